package io.polyhook.core.hook;

import io.polyhook.spi.ChainHook;
import io.polyhook.spi.HookContext;
import io.polyhook.spi.HookRegistrar;
import io.polyhook.spi.Modifiers;
import io.polyhook.spi.Registration;

/**
 * Where a provider bundled with the broker installs what answers hooks on its behalf (the
 * authorization cache is one): handlers, as a plugin registers them, and at most one
 * {@link ChainShortcut} per hook point. The broker's hook registry implements it.
 */
public interface HookInstaller {

    /**
     * Installs the {@link ChainShortcut} of {@code hook}; there is at most one per hook point.
     * Closing the returned registration removes it.
     *
     * @throws IllegalStateException if the hook already has a shortcut
     */
    <C extends HookContext, M extends Modifiers> Registration shortcut(HandlerOrigin origin, ChainHook<C, M> hook,
                                                                      ChainShortcut<C, M> shortcut);

    /** Registers handlers as {@code origin}, at {@code defaultPriority} unless a call names another. */
    HookRegistrar registrar(HandlerOrigin origin, int defaultPriority);
}
