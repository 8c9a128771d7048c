package io.polyhook.spi;

import java.util.Objects;

/**
 * The identity of a session on the broker: a client id within a mountpoint. Two clients with
 * the same client id but different mountpoints are different sessions.
 *
 * @param mountpoint the mountpoint, {@code ""} for the default one
 * @param clientId   the MQTT client identifier
 * @since 0.1
 */
public record SubscriberId(String mountpoint, String clientId) {
    /**
     * Checks both parts are present.
     *
     * @since 0.1
     */
    public SubscriberId {
        Objects.requireNonNull(mountpoint, "mountpoint");
        Objects.requireNonNull(clientId, "clientId");
    }
}
