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

    /**
     * A builder with the defaults of a plain client: only {@code clientId} has no
     * default. Plugins and their tests build contexts this way: a field added in a minor release
     * comes with a default here, so code that builds a {@code AuthContext} keeps compiling and
     * linking (docs/java-plugins.md, "Contexts in your tests").
     *
     * @return a new builder
     * @since 0.1
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds a {@link AuthContext}; {@link #build()} checks the values as the constructor does.
     * Not thread-safe.
     *
     * @since 0.1
     */
    public static final class Builder {
        private String mountpoint = "";
        private String clientId;
        private Optional<String> username = Optional.empty();
        private MqttProperties properties = MqttProperties.EMPTY;

        private Builder() {
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
         * @param value the user name of the CONNECT, or {@code null} for none
         * @return this builder
         * @since 0.1
         */
        public Builder username(String value) {
            username = Optional.ofNullable(value);
            return this;
        }

        /**
         * Sets {@code properties} (default {@code MqttProperties.EMPTY}).
         *
         * @param value the authentication method and data of the packet
         * @return this builder
         * @since 0.1
         */
        public Builder properties(MqttProperties value) {
            properties = value;
            return this;
        }

        /**
         * The context.
         *
         * @return a new {@code AuthContext}
         * @throws NullPointerException     if {@code clientId} or another required value is not set
         * @throws IllegalArgumentException if a value is out of range
         * @since 0.1
         */
        public AuthContext build() {
            return new AuthContext(mountpoint, clientId, username, properties);
        }
    }
}
