package io.polyhook.spi;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An UNSUBSCRIBE: the context of {@code on_unsubscribe[_m5]}, which may rewrite the filters.
 *
 * @param protocolVersion the MQTT version of the client
 * @param mountpoint      the mountpoint ({@code ""} for the default)
 * @param clientId        the client identifier
 * @param username        the user name, if any
 * @param topics          the topic filters in packet order
 * @param properties      the UNSUBSCRIBE properties (MQTT 5), {@link MqttProperties#EMPTY} otherwise
 * @since 0.1
 */
public record UnsubscribeContext(MqttVersion protocolVersion, String mountpoint, String clientId,
                                 Optional<String> username, List<String> topics, MqttProperties properties)
        implements HookContext {

    /**
     * Checks every field is present; copies the topic list.
     *
     * @since 0.1
     */
    public UnsubscribeContext {
        Objects.requireNonNull(protocolVersion, "protocolVersion");
        Objects.requireNonNull(mountpoint, "mountpoint");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(username, "username");
        topics = List.copyOf(topics);
        Objects.requireNonNull(properties, "properties");
    }

    /**
     * A builder with the defaults of a plain client: only {@code clientId} has no
     * default. Plugins and their tests build contexts this way: a field added in a minor release
     * comes with a default here, so code that builds a {@code UnsubscribeContext} keeps compiling and
     * linking (docs/java-plugins.md, "Contexts in your tests").
     *
     * @return a new builder
     * @since 0.1
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds a {@link UnsubscribeContext}; {@link #build()} checks the values as the constructor does.
     * Not thread-safe.
     *
     * @since 0.1
     */
    public static final class Builder {
        private MqttVersion protocolVersion = MqttVersion.V5;
        private String mountpoint = "";
        private String clientId;
        private Optional<String> username = Optional.empty();
        private List<String> topics = List.of();
        private MqttProperties properties = MqttProperties.EMPTY;

        private Builder() {
        }

        /**
         * Sets {@code protocolVersion} (default {@code MqttVersion.V5}).
         *
         * @param value the MQTT version of the client
         * @return this builder
         * @since 0.1
         */
        public Builder protocolVersion(MqttVersion value) {
            protocolVersion = value;
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
         * Sets {@code topics} (default {@code List.of()}).
         *
         * @param value the topic filters in packet order
         * @return this builder
         * @since 0.1
         */
        public Builder topics(List<String> value) {
            topics = value;
            return this;
        }

        /**
         * Sets {@code properties} (default {@code MqttProperties.EMPTY}).
         *
         * @param value the UNSUBSCRIBE properties
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
         * @return a new {@code UnsubscribeContext}
         * @throws NullPointerException     if {@code clientId} or another required value is not set
         * @throws IllegalArgumentException if a value is out of range
         * @since 0.1
         */
        public UnsubscribeContext build() {
            return new UnsubscribeContext(protocolVersion, mountpoint, clientId, username, topics, properties);
        }
    }
}
