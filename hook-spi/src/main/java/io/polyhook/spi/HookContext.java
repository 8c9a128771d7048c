package io.polyhook.spi;

/**
 * What every hook context carries: the session the hook is about. Each family of hook points
 * has its own immutable context type with exactly the fields that hook family gets.
 */
public sealed interface HookContext
        permits RegisterContext, AuthContext, PublishContext, SubscribeContext, UnsubscribeContext, ClientContext {

    /** The mountpoint of the session, {@code ""} for the default mountpoint. */
    String mountpoint();

    /** The MQTT client identifier of the session. */
    String clientId();

    /** The session identity: mountpoint and client id. */
    default SubscriberId subscriberId() {
        return new SubscriberId(mountpoint(), clientId());
    }
}
