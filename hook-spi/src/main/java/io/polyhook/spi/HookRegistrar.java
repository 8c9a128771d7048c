package io.polyhook.spi;

/**
 * Where a plugin registers its handlers. Handlers of one hook point are called in priority
 * order, highest first, then in registration order; Java plugins come before scripts. Handlers
 * a plugin registered are removed when the plugin stops.
 *
 * @since 0.1
 */
public interface HookRegistrar {

    /**
     * Registers a chain handler with the plugin's {@link Plugin#priority() priority}.
     *
     * @since 0.1
     */
    <C extends HookContext, M extends Modifiers> Registration register(ChainHook<C, M> hook, ChainHandler<C, M> handler);

    /**
     * Registers a chain handler with an explicit priority (higher runs first).
     *
     * @since 0.1
     */
    <C extends HookContext, M extends Modifiers> Registration register(ChainHook<C, M> hook, int priority,
                                                                        ChainHandler<C, M> handler);

    /**
     * Registers a notification handler with the plugin's {@link Plugin#priority() priority}.
     *
     * @since 0.1
     */
    <C extends HookContext> Registration register(NotificationHook<C> hook, NotificationHandler<C> handler);

    /**
     * Registers a notification handler with an explicit priority (higher runs first).
     *
     * @since 0.1
     */
    <C extends HookContext> Registration register(NotificationHook<C> hook, int priority, NotificationHandler<C> handler);
}
