package io.polyhook.spi;

import java.util.Objects;
import java.util.Optional;

/**
 * A client connecting: the context of {@code auth_on_register[_m5]} and {@code on_register[_m5]}.
 *
 * @param protocolVersion   the MQTT version of the CONNECT
 * @param peer              the client's address and port
 * @param listener          the listener the client connected through
 * @param mountpoint        the mountpoint ({@code ""} for the default)
 * @param clientId          the client identifier (assigned by the broker if the client sent none)
 * @param username          the user name, if the CONNECT carried one
 * @param password          the password, if the CONNECT carried one; never shown by {@link #toString()}
 * @param cleanStart        MQTT 3 clean session / MQTT 5 clean start
 * @param properties        the CONNECT properties (MQTT 5), {@link MqttProperties#EMPTY} otherwise
 * @param clientCertificate the DER-encoded client certificate on a TLS listener with client auth
 * @since 0.1
 */
public record RegisterContext(MqttVersion protocolVersion, Peer peer, Listener listener, String mountpoint,
                              String clientId, Optional<String> username, Optional<Bytes> password,
                              boolean cleanStart, MqttProperties properties, Optional<Bytes> clientCertificate)
        implements HookContext {

    /**
     * Checks every field is present (optional ones as {@link Optional}).
     *
     * @since 0.1
     */
    public RegisterContext {
        Objects.requireNonNull(protocolVersion, "protocolVersion");
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(mountpoint, "mountpoint");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(properties, "properties");
        Objects.requireNonNull(clientCertificate, "clientCertificate");
    }

    /**
     * The password decoded as UTF-8, the way most authentication schemes compare it.
     *
     * @since 0.1
     */
    public Optional<String> passwordAsString() {
        return password.map(Bytes::toUtf8String);
    }

    /**
     * Everything but the password, which shows as {@code <redacted>} when present.
     *
     * @since 0.1
     */
    @Override
    public String toString() {
        return "RegisterContext[protocolVersion=" + protocolVersion + ", peer=" + peer + ", listener=" + listener
                + ", mountpoint=" + mountpoint + ", clientId=" + clientId + ", username=" + username.orElse(null)
                + ", password=" + (password.isPresent() ? "<redacted>" : "null") + ", cleanStart=" + cleanStart
                + ", properties=" + properties + "]";
    }
}
