/**
 * The broker's hook machinery, not API: the registry of every hook point's handlers
 * ({@code HookRegistry}, an immutable snapshot swapped atomically on change, so a script reload
 * is seen all at once or not at all; its mutation), the dispatcher that runs chains and
 * notifications for a client on that client's lane ({@code HookDispatcher}, {@code ClientLane}:
 * in order, one at a time, on virtual threads, each call with a deadline), its settings, and the
 * per-handler statistics and latency histograms. Engines and providers code against
 * {@code io.polyhook.core.hook}; only the broker, its tools and tests use this package.
 */
package io.polyhook.core.hook.internal;
