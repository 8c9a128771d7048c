/**
 * The hook model that engines, providers and the broker share: the outcome of a chain
 * ({@link io.polyhook.core.hook.ChainOutcome}), who decided it
 * ({@link io.polyhook.core.hook.HandlerOrigin}), a handler as a script engine hands it over
 * ({@link io.polyhook.core.hook.HandlerSpec}), the dense index of hook points
 * ({@link io.polyhook.core.hook.HookIndex}), the modifier rules every handler's answer is checked
 * against ({@link io.polyhook.core.hook.ModifierRules}), and what a bundled provider may install
 * ({@link io.polyhook.core.hook.HookInstaller}: handlers, and a
 * {@link io.polyhook.core.hook.ChainShortcut} that answers without user code).
 *
 * <p>The registry that holds the handlers, the dispatcher that runs them on each client's lane,
 * and their statistics are the broker's, in {@code io.polyhook.core.hook.internal}: not API.
 */
package io.polyhook.core.hook;
