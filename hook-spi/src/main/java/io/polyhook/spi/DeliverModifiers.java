package io.polyhook.spi;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Changes to a message on its way to one subscriber, returned by {@code on_deliver[_m5]}: its
 * topic, payload and (MQTT 5) a few properties, merged as for
 * {@link MqttProperties#merge(MqttProperties) publish}. The message is delivered whatever the
 * verdict; a deny only means "unchanged".
 *
 * @since 0.1
 */
public final class DeliverModifiers implements Modifiers {

    /**
     * The properties a deliver modifier may set.
     *
     * @since 0.1
     */
    public static final Set<PropertyKey> ALLOWED_PROPERTIES = Set.of(PropertyKey.CONTENT_TYPE,
            PropertyKey.PAYLOAD_FORMAT_INDICATOR, PropertyKey.USER_PROPERTY, PropertyKey.RESPONSE_TOPIC,
            PropertyKey.CORRELATION_DATA);

    private final String topic;
    private final Bytes payload;
    private final MqttProperties properties;

    private DeliverModifiers(String topic, Bytes payload, MqttProperties properties) {
        this.topic = topic;
        this.payload = payload;
        this.properties = properties;
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
     * The topic the subscriber sees.
     *
     * @since 0.1
     */
    public Optional<String> topic() {
        return Optional.ofNullable(topic);
    }

    /**
     * The payload the subscriber gets.
     *
     * @since 0.1
     */
    public Optional<Bytes> payload() {
        return Optional.ofNullable(payload);
    }

    /**
     * Properties to merge into the delivered message's (MQTT 5 only).
     *
     * @since 0.1
     */
    public Optional<MqttProperties> properties() {
        return Optional.ofNullable(properties);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeliverModifiers m && Objects.equals(topic, m.topic) && Objects.equals(payload, m.payload)
                && Objects.equals(properties, m.properties);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, payload, properties);
    }

    @Override
    public String toString() {
        return "DeliverModifiers{topic=" + topic + ", payload=" + payload + ", properties=" + properties + "}";
    }

    /**
     * Builds {@link DeliverModifiers}; at least one modifier must be set. Not thread-safe.
     *
     * @since 0.1
     */
    public static final class Builder {
        private String topic;
        private Bytes payload;
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
         * Sets properties to merge; only those in {@link #ALLOWED_PROPERTIES}.
         *
         * @since 0.1
         */
        public Builder properties(MqttProperties props) {
            properties = Objects.requireNonNull(props, "properties").requireOnly(ALLOWED_PROPERTIES, "on_deliver_m5");
            return this;
        }

        /**
         * Returns the modifiers; throws if none was set.
         *
         * @since 0.1
         */
        public DeliverModifiers build() {
            if (topic == null && payload == null && properties == null) {
                throw new InvalidModifierException("modifiers", "{}", "must set at least one modifier");
            }
            return new DeliverModifiers(topic, payload, properties);
        }
    }
}
