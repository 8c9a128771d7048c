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

    /**
     * A builder with the defaults of a plain client: only {@code clientId} has no
     * default. Plugins and their tests build contexts this way: a field added in a minor release
     * comes with a default here, so code that builds a {@code RegisterContext} keeps compiling and
     * linking (docs/java-plugins.md, "Contexts in your tests").
     *
     * @return a new builder
     * @since 0.1
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds a {@link RegisterContext}; {@link #build()} checks the values as the constructor does.
     * Not thread-safe.
     *
     * @since 0.1
     */
    public static final class Builder {
        private MqttVersion protocolVersion = MqttVersion.V5;
        private Peer peer = new Peer("127.0.0.1", 50_000);
        private Listener listener = new Listener("127.0.0.1", 1883, ListenerType.MQTT);
        private String mountpoint = "";
        private String clientId;
        private Optional<String> username = Optional.empty();
        private Optional<Bytes> password = Optional.empty();
        private boolean cleanStart = true;
        private MqttProperties properties = MqttProperties.EMPTY;
        private Optional<Bytes> clientCertificate = Optional.empty();

        private Builder() {
        }

        /**
         * Sets {@code protocolVersion} (default {@code MqttVersion.V5}).
         *
         * @param value the MQTT version of the CONNECT
         * @return this builder
         * @since 0.1
         */
        public Builder protocolVersion(MqttVersion value) {
            protocolVersion = value;
            return this;
        }

        /**
         * Sets {@code peer} (default 127.0.0.1:50000).
         *
         * @param value the client's address and port
         * @return this builder
         * @since 0.1
         */
        public Builder peer(Peer value) {
            peer = value;
            return this;
        }

        /**
         * Sets {@code listener} (default an MQTT listener on 127.0.0.1:1883).
         *
         * @param value the listener the client connected through
         * @return this builder
         * @since 0.1
         */
        public Builder listener(Listener value) {
            listener = value;
            return this;
        }

        /**
         * Sets {@code mountpoint} (default {@code ""}).
         *
         * @param value the mountpoint ({@code ""} for the default)
         * @return this builder
         * @since 0.1
         */
        public Builder mountpoint(String value) {
            mountpoint = value;
            return this;
        }

        /**
         * Sets {@code clientId}.
         *
         * @param value the client identifier
         * @return this builder
         * @since 0.1
         */
        public Builder clientId(String value) {
            clientId = value;
            return this;
        }

        /**
         * Sets {@code username} (default none).
         *
         * @param value the user name, or {@code null} for none
         * @return this builder
         * @since 0.1
         */
        public Builder username(String value) {
            username = Optional.ofNullable(value);
            return this;
        }

        /**
         * Sets {@code password} (default none).
         *
         * @param value the password, or {@code null} for none
         * @return this builder
         * @since 0.1
         */
        public Builder password(Bytes value) {
            password = Optional.ofNullable(value);
            return this;
        }

        /**
         * Sets {@code cleanStart} (default {@code true}).
         *
         * @param value MQTT 3 clean session / MQTT 5 clean start
         * @return this builder
         * @since 0.1
         */
        public Builder cleanStart(boolean value) {
            cleanStart = value;
            return this;
        }

        /**
         * Sets {@code properties} (default {@code MqttProperties.EMPTY}).
         *
         * @param value the CONNECT properties
         * @return this builder
         * @since 0.1
         */
        public Builder properties(MqttProperties value) {
            properties = value;
            return this;
        }

        /**
         * Sets {@code clientCertificate} (default none).
         *
         * @param value the DER-encoded client certificate, or {@code null} for none
         * @return this builder
         * @since 0.1
         */
        public Builder clientCertificate(Bytes value) {
            clientCertificate = Optional.ofNullable(value);
            return this;
        }

        /**
         * The context.
         *
         * @return a new {@code RegisterContext}
         * @throws NullPointerException     if {@code clientId} or another required value is not set
         * @throws IllegalArgumentException if a value is out of range
         * @since 0.1
         */
        public RegisterContext build() {
            return new RegisterContext(protocolVersion, peer, listener, mountpoint, clientId, username, password, cleanStart, properties, clientCertificate);
        }
    }
}
