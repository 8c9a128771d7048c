package io.polyhook.spi;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Changes to an incoming message, returned by {@code auth_on_publish[_m5]}: topic, payload,
 * QoS, retain flag, target mountpoint, a pause for the publisher, and (MQTT 5) properties that
 * are {@linkplain MqttProperties#merge(MqttProperties) merged} into the message's.
 *
 * @since 0.1
 */
public final class PublishModifiers implements Modifiers {

    /**
     * The properties a publish modifier may set.
     *
     * @since 0.1
     */
    public static final Set<PropertyKey> ALLOWED_PROPERTIES = Set.of(PropertyKey.USER_PROPERTY,
            PropertyKey.MESSAGE_EXPIRY_INTERVAL, PropertyKey.CONTENT_TYPE, PropertyKey.PAYLOAD_FORMAT_INDICATOR,
            PropertyKey.RESPONSE_TOPIC, PropertyKey.CORRELATION_DATA, PropertyKey.WILL_DELAY_INTERVAL);

    private final String topic;
    private final Bytes payload;
    private final Integer qos;
    private final Boolean retain;
    private final String mountpoint;
    private final Duration throttle;
    private final MqttProperties properties;

    private PublishModifiers(Builder b) {
        topic = b.topic;
        payload = b.payload;
        qos = b.qos;
        retain = b.retain;
        mountpoint = b.mountpoint;
        throttle = b.throttle;
        properties = b.properties;
    }

    /**
     * Returns a new builder.
     *
     * @since 0.1
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The new topic name.
     *
     * @since 0.1
     */
    public Optional<String> topic() {
        return Optional.ofNullable(topic);
    }

    /**
     * The new payload.
     *
     * @since 0.1
     */
    public Optional<Bytes> payload() {
        return Optional.ofNullable(payload);
    }

    /**
     * The new QoS.
     *
     * @since 0.1
     */
    public OptionalInt qos() {
        return qos == null ? OptionalInt.empty() : OptionalInt.of(qos);
    }

    /**
     * The new retain flag.
     *
     * @since 0.1
     */
    public Optional<Boolean> retain() {
        return Optional.ofNullable(retain);
    }

    /**
     * Publish into this mountpoint instead of the publisher's.
     *
     * @since 0.1
     */
    public Optional<String> mountpoint() {
        return Optional.ofNullable(mountpoint);
    }

    /**
     * Pause reading from the publisher for this long before its next packet.
     *
     * @since 0.1
     */
    public Optional<Duration> throttle() {
        return Optional.ofNullable(throttle);
    }

    /**
     * Properties to merge into the message's (MQTT 5 only).
     *
     * @since 0.1
     */
    public Optional<MqttProperties> properties() {
        return Optional.ofNullable(properties);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PublishModifiers m && Objects.equals(topic, m.topic) && Objects.equals(payload, m.payload)
                && Objects.equals(qos, m.qos) && Objects.equals(retain, m.retain)
                && Objects.equals(mountpoint, m.mountpoint) && Objects.equals(throttle, m.throttle)
                && Objects.equals(properties, m.properties);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, payload, qos, retain, mountpoint, throttle, properties);
    }

    @Override
    public String toString() {
        return "PublishModifiers{topic=" + topic + ", payload=" + payload + ", qos=" + qos + ", retain=" + retain
                + ", mountpoint=" + mountpoint + ", throttle=" + throttle + ", properties=" + properties + "}";
    }

    /**
     * Builds {@link PublishModifiers}; at least one modifier must be set. Not thread-safe.
     *
     * @since 0.1
     */
    public static final class Builder {
        private String topic;
        private Bytes payload;
        private Integer qos;
        private Boolean retain;
        private String mountpoint;
        private Duration throttle;
        private MqttProperties properties;

        private Builder() {
        }

        /**
         * Sets the topic; it must be a valid topic name (no wildcards).
         *
         * @since 0.1
         */
        public Builder topic(String name) {
            if (!Topics.isValidName(name)) {
                throw new InvalidModifierException("topic", name, "must be a topic name without wildcards");
            }
            topic = name;
            return this;
        }

        /**
         * Sets the payload.
         *
         * @since 0.1
         */
        public Builder payload(Bytes bytes) {
            payload = Objects.requireNonNull(bytes, "payload");
            return this;
        }

        /**
         * Sets the QoS, 0..2.
         *
         * @since 0.1
         */
        public Builder qos(int value) {
            if (value < 0 || value > 2) {
                throw new InvalidModifierException("qos", value, "must be 0, 1 or 2");
            }
            qos = value;
            return this;
        }

        /**
         * Sets the retain flag.
         *
         * @since 0.1
         */
        public Builder retain(boolean value) {
            retain = value;
            return this;
        }

        /**
         * Publishes into another mountpoint.
         *
         * @since 0.1
         */
        public Builder mountpoint(String value) {
            mountpoint = Objects.requireNonNull(value, "mountpoint");
            return this;
        }

        /**
         * Pauses the publisher; must not be negative.
         *
         * @since 0.1
         */
        public Builder throttle(Duration pause) {
            if (pause.isNegative()) {
                throw new InvalidModifierException("throttle", pause.toMillis(), "must not be negative");
            }
            throttle = pause;
            return this;
        }

        /**
         * Sets properties to merge; only those in {@link #ALLOWED_PROPERTIES}.
         *
         * @since 0.1
         */
        public Builder properties(MqttProperties props) {
            properties = Objects.requireNonNull(props, "properties").requireOnly(ALLOWED_PROPERTIES, "auth_on_publish_m5");
            return this;
        }

        /**
         * Returns the modifiers; throws if none was set (accept with {@link Verdict#ok()} instead).
         *
         * @since 0.1
         */
        public PublishModifiers build() {
            if (topic == null && payload == null && qos == null && retain == null && mountpoint == null
                    && throttle == null && properties == null) {
                throw new InvalidModifierException("modifiers", "{}", "must set at least one modifier");
            }
            return new PublishModifiers(this);
        }
    }
}
