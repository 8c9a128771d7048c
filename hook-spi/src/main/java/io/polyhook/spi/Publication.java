package io.polyhook.spi;

import java.util.Objects;

/**
 * A message a plugin publishes through {@link BrokerActions#publish(Publication)}. Built with
 * {@link #builder(String, Bytes)}, which checks each value at once.
 *
 * <pre>{@code
 * context.broker().publish(Publication.builder("alerts/login", Bytes.utf8("alice banned")).qos(1).retain(true).build());
 * }</pre>
 *
 * @since 0.1
 */
public final class Publication {

    private final String mountpoint;
    private final String topic;
    private final Bytes payload;
    private final int qos;
    private final boolean retain;
    private final MqttProperties properties;

    private Publication(Builder b) {
        this.mountpoint = b.mountpoint;
        this.topic = b.topic;
        this.payload = b.payload;
        this.qos = b.qos;
        this.retain = b.retain;
        this.properties = b.properties;
    }

    /**
     * Starts a QoS 0, not retained message without properties in the default mountpoint.
     *
     * @param topic   a topic name: no wildcards, not empty
     * @param payload the payload
     * @return a builder
     * @throws IllegalArgumentException if {@code topic} is not a valid topic name
     * @since 0.1
     */
    public static Builder builder(String topic, Bytes payload) {
        return new Builder(topic, payload);
    }

    /**
     * The mountpoint the message is routed in.
     *
     * @return the mountpoint, {@code ""} for the default one
     * @since 0.1
     */
    public String mountpoint() {
        return mountpoint;
    }

    /**
     * The topic name.
     *
     * @return the topic
     * @since 0.1
     */
    public String topic() {
        return topic;
    }

    /**
     * The payload.
     *
     * @return the payload
     * @since 0.1
     */
    public Bytes payload() {
        return payload;
    }

    /**
     * The QoS, 0 to 2.
     *
     * @return the QoS
     * @since 0.1
     */
    public int qos() {
        return qos;
    }

    /**
     * Whether the message is retained.
     *
     * @return the retain flag
     * @since 0.1
     */
    public boolean retain() {
        return retain;
    }

    /**
     * The MQTT 5 properties the message carries (those an {@code auth_on_publish_m5} modifier may set).
     *
     * @return the properties, {@link MqttProperties#EMPTY} if none
     * @since 0.1
     */
    public MqttProperties properties() {
        return properties;
    }

    @Override
    public String toString() {
        return "Publication[" + (mountpoint.isEmpty() ? "" : mountpoint + ":") + topic + ", qos " + qos
                + (retain ? ", retained" : "") + ", " + payload + "]";
    }

    /**
     * Builds a {@link Publication}; each setter checks its value. Not thread-safe.
     *
     * @since 0.1
     */
    public static final class Builder {
        private String mountpoint = "";
        private final String topic;
        private final Bytes payload;
        private int qos;
        private boolean retain;
        private MqttProperties properties = MqttProperties.EMPTY;

        private Builder(String topic, Bytes payload) {
            if (!Topics.isValidName(topic)) {
                throw new IllegalArgumentException("not a valid topic name: '" + topic + "'");
            }
            this.topic = topic;
            this.payload = Objects.requireNonNull(payload, "payload");
        }

        /**
         * Sets the QoS.
         *
         * @param value 0, 1 or 2
         * @return this builder
         * @throws IllegalArgumentException for another value
         * @since 0.1
         */
        public Builder qos(int value) {
            if (value < 0 || value > 2) {
                throw new IllegalArgumentException("qos must be 0, 1 or 2, was " + value);
            }
            qos = value;
            return this;
        }

        /**
         * Sets the retain flag.
         *
         * @param value whether the message is retained
         * @return this builder
         * @since 0.1
         */
        public Builder retain(boolean value) {
            retain = value;
            return this;
        }

        /**
         * Sets the mountpoint the message is routed in.
         *
         * @param value the mountpoint, {@code ""} for the default one
         * @return this builder
         * @since 0.1
         */
        public Builder mountpoint(String value) {
            mountpoint = Objects.requireNonNull(value, "mountpoint");
            return this;
        }

        /**
         * Sets the MQTT 5 properties; only those an {@code auth_on_publish_m5} modifier may set.
         *
         * @param value the properties
         * @return this builder
         * @throws InvalidModifierException naming a property a message may not carry
         * @since 0.1
         */
        public Builder properties(MqttProperties value) {
            Objects.requireNonNull(value, "properties");
            if (!value.equals(MqttProperties.EMPTY)) {
                PublishModifiers.builder().properties(value).build();
            }
            properties = value;
            return this;
        }

        /**
         * Builds the message.
         *
         * @return the message
         * @since 0.1
         */
        public Publication build() {
            return new Publication(this);
        }
    }
}
