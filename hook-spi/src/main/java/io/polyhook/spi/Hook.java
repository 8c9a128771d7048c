package io.polyhook.spi;

/**
 * A hook point: a named moment in a client's life at which the broker calls handlers. The 22
 * hook points are the constants of {@link Hooks}; there are no others.
 *
 * @param <C> the context type handlers receive
 * @since 0.1
 */
public sealed interface Hook<C extends HookContext> permits ChainHook, NotificationHook {

    /**
     * The hook's name as scripts use it: {@code auth_on_publish}, {@code on_deliver_m5}, ...
     *
     * @since 0.1
     */
    String name();

    /**
     * The type of context handlers receive.
     *
     * @since 0.1
     */
    Class<C> contextType();

    /**
     * Whether this hook serves MQTT 5 clients (the {@code _m5} variants and {@code on_auth_m5}).
     *
     * @since 0.1
     */
    boolean isMqtt5();
}
