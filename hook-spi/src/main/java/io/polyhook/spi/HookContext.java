package io.polyhook.spi;

/**
 * What every hook context carries: the session the hook is about. Each family of hook points
 * has its own immutable context type with exactly the fields that hook family gets.
 *
 * @since 0.1
 */
public sealed interface HookContext
        permits RegisterContext, AuthContext, PublishContext, SubscribeContext, UnsubscribeContext, ClientContext {

    /**
     * The mountpoint of the session, {@code ""} for the default mountpoint.
     *
     * @since 0.1
     */
    String mountpoint();

    /**
     * The MQTT client identifier of the session.
     *
     * @since 0.1
     */
    String clientId();

    /**
     * The session identity: mountpoint and client id.
     *
     * @since 0.1
     */
    default SubscriberId subscriberId() {
        return new SubscriberId(mountpoint(), clientId());
    }
}
