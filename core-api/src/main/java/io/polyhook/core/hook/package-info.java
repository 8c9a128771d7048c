/**
 * The hook registry and dispatcher: who handles which hook point, in which order, on which
 * thread, with which deadline.
 *
 * <p>{@link io.polyhook.core.hook.HookRegistry} holds the handlers of every hook point as an
 * immutable snapshot that is swapped atomically on change (so a script reload is seen all at
 * once or not at all). {@link io.polyhook.core.hook.HookDispatcher} runs chains and
 * notifications for a client on that client's {@link io.polyhook.core.hook.ClientLane}: in order,
 * one at a time, on virtual threads, each handler call with a deadline.
 */
package io.polyhook.core.hook;
