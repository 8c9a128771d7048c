package io.polyhook.spi;

import java.util.Objects;
import java.util.Optional;

/**
 * A message: the context of {@code auth_on_publish[_m5]}, {@code on_publish[_m5]} (the
 * publisher's view), {@code on_deliver[_m5]} (a subscriber's view) and {@code on_offline_message}
 * (a message queued for an offline session; no user name there).
 *
 * <p>The last will of a connecting client is authorized through {@code auth_on_publish} with this
 * context too.
 *
 * @param protocolVersion the MQTT version of the client the hook is about
 * @param mountpoint      the mountpoint ({@code ""} for the default)
 * @param clientId        the publisher's (or, for delivery hooks, the subscriber's) client id
 * @param username        that client's user name, if any
 * @param topic           the topic name
 * @param qos             0, 1 or 2
 * @param payload         the payload, read-only
 * @param retain          the retain flag
 * @param properties      the PUBLISH properties (MQTT 5), {@link MqttProperties#EMPTY} otherwise
 * @since 0.1
 */
public record PublishContext(MqttVersion protocolVersion, String mountpoint, String clientId,
                             Optional<String> username, String topic, int qos, Bytes payload, boolean retain,
                             MqttProperties properties) implements HookContext {

    /**
     * Checks every field is present and the QoS in range.
     *
     * @since 0.1
     */
    public PublishContext {
        Objects.requireNonNull(protocolVersion, "protocolVersion");
        Objects.requireNonNull(mountpoint, "mountpoint");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(properties, "properties");
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("qos must be 0..2, was " + qos);
        }
    }

    /**
     * A builder with the defaults of a plain client: only {@code clientId}, {@code topic} have no
     * default. Plugins and their tests build contexts this way: a field added in a minor release
     * comes with a default here, so code that builds a {@code PublishContext} keeps compiling and
     * linking (docs/java-plugins.md, "Contexts in your tests").
     *
     * @return a new builder
     * @since 0.1
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds a {@link PublishContext}; {@link #build()} checks the values as the constructor does.
     * Not thread-safe.
     *
     * @since 0.1
     */
    public static final class Builder {
        private MqttVersion protocolVersion = MqttVersion.V5;
        private String mountpoint = "";
        private String clientId;
        private Optional<String> username = Optional.empty();
        private String topic;
        private int qos = 0;
        private Bytes payload = Bytes.EMPTY;
        private boolean retain = false;
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
         * @param value the client id
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
         * Sets {@code topic}.
         *
         * @param value the topic name
         * @return this builder
         * @since 0.1
         */
        public Builder topic(String value) {
            topic = value;
            return this;
        }

        /**
         * Sets {@code qos} (default {@code 0}).
         *
         * @param value 0, 1 or 2
         * @return this builder
         * @since 0.1
         */
        public Builder qos(int value) {
            qos = value;
            return this;
        }

        /**
         * Sets {@code payload} (default {@code Bytes.EMPTY}).
         *
         * @param value the payload
         * @return this builder
         * @since 0.1
         */
        public Builder payload(Bytes value) {
            payload = value;
            return this;
        }

        /**
         * Sets {@code retain} (default {@code false}).
         *
         * @param value the retain flag
         * @return this builder
         * @since 0.1
         */
        public Builder retain(boolean value) {
            retain = value;
            return this;
        }

        /**
         * Sets {@code properties} (default {@code MqttProperties.EMPTY}).
         *
         * @param value the PUBLISH properties
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
         * @return a new {@code PublishContext}
         * @throws NullPointerException     if {@code clientId}, {@code topic} or another required value is not set
         * @throws IllegalArgumentException if a value is out of range
         * @since 0.1
         */
        public PublishContext build() {
            return new PublishContext(protocolVersion, mountpoint, clientId, username, topic, qos, payload, retain, properties);
        }
    }
}
