package io.polyhook.core.hook;

import io.polyhook.spi.HookContext;
import io.polyhook.spi.Modifiers;
import io.polyhook.spi.Verdict;

/**
 * Answers a chain hook without user code when it can, before any handler runs: vmq_diversity's
 * authorization cache is one. The dispatcher asks it on the caller's thread (a network event
 * loop), so it must be fast and must never block.
 *
 * @param <C> the context type of the hook
 * @param <M> the modifier type of the hook
 */
@FunctionalInterface
public interface ChainShortcut<C extends HookContext, M extends Modifiers> {

    /**
     * The verdict for {@code context}, or {@code null} (or {@link Verdict#next()}) when this
     * shortcut has no answer and the handlers decide as usual. Modifiers are validated for the
     * hook like a handler's. An exception counts as no answer and is logged.
     */
    Verdict<M> answer(C context);

    /**
     * Whether this shortcut may answer anything at all now; {@code true} unless overridden. When
     * it may not and the hook has no handler, the broker skips the chain without building the
     * hook's context (an empty authorization cache then costs nothing per PUBLISH). Asked on the
     * event loop for every request, so it must be cheaper than {@link #answer} and never block;
     * {@code true} when unsure.
     */
    default boolean mayAnswer() {
        return true;
    }
}
