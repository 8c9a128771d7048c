package io.polyhook.spi;

import java.util.Objects;
import java.util.Optional;

/**
 * One step of MQTT 5 enhanced authentication: the context of {@code on_auth_m5}. It is called
 * for a CONNECT carrying an authentication method and for each AUTH packet, including
 * re-authentication of a connected client.
 *
 * @param mountpoint the mountpoint ({@code ""} for the default)
 * @param clientId   the client identifier
 * @param username   the user name of the CONNECT, if any
 * @param properties the authentication method and data of the packet
 * @since 0.1
 */
public record AuthContext(String mountpoint, String clientId, Optional<String> username, MqttProperties properties)
        implements HookContext {

    /**
     * Checks every field is present.
     *
     * @since 0.1
     */
    public AuthContext {
        Objects.requireNonNull(mountpoint, "mountpoint");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(properties, "properties");
    }
}
