package io.polyhook.broker.routing;

import io.polyhook.spi.Bytes;
import io.polyhook.spi.MqttProperties;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An application message on its way through the broker: what a PUBLISH (or a will) carries
 * once it is admitted, independent of the wire format.
 *
 * @param topic         the topic name, without mountpoint
 * @param qos           0, 1 or 2 (for a delivery: the QoS it goes out with)
 * @param payload       the payload
 * @param retain        the retain flag
 * @param properties    the MQTT 5 properties that travel with the message (no topic alias)
 * @param publisher     the client id of the publisher, for no-local subscriptions; empty for the broker
 * @param subscriptionIds the subscription identifiers of a delivery (MQTT 5), empty otherwise
 * @param receivedNanos   when the broker received it, on {@link System#nanoTime()}'s clock (or the clock a test
 *                        gives the broker instead), for the MQTT 5 message expiry
 */
public record Message(String topic, int qos, Bytes payload, boolean retain, MqttProperties properties,
                      Optional<String> publisher, List<Integer> subscriptionIds, long receivedNanos) {

    /** Checks every field is present; copies the identifier list. */
    public Message {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(properties, "properties");
        Objects.requireNonNull(publisher, "publisher");
        subscriptionIds = List.copyOf(subscriptionIds);
    }

    /** A message as published now. */
    public static Message of(String topic, int qos, Bytes payload, boolean retain, MqttProperties properties,
                             String publisher) {
        return of(topic, qos, payload, retain, properties, publisher, System.nanoTime());
    }

    /** A message as published at {@code receivedNanos}; {@code publisher} null for the broker. */
    public static Message of(String topic, int qos, Bytes payload, boolean retain, MqttProperties properties,
                             String publisher, long receivedNanos) {
        return new Message(topic, qos, payload, retain, properties, Optional.ofNullable(publisher), List.of(),
                receivedNanos);
    }

    /** This message as it goes to one subscriber. */
    public Message forDelivery(int deliverQos, boolean deliverRetain, List<Integer> ids) {
        if (deliverQos == qos && deliverRetain == retain && ids.isEmpty() && subscriptionIds.isEmpty()) {
            // The usual fan-out: every subscriber gets the message as published, so no copy each.
            return this;
        }
        return new Message(topic, deliverQos, payload, deliverRetain, properties, publisher, ids, receivedNanos);
    }

    /** This message with another topic, payload and properties (an on_deliver or auth_on_publish rewrite). */
    public Message rewritten(String newTopic, Bytes newPayload, MqttProperties newProperties) {
        return new Message(newTopic, qos, newPayload, retain, newProperties, publisher, subscriptionIds, receivedNanos);
    }

    /** This message with another QoS and retain flag. */
    public Message withQosAndRetain(int newQos, boolean newRetain) {
        return new Message(topic, newQos, payload, newRetain, properties, publisher, subscriptionIds, receivedNanos);
    }

    // The objects around a message's bytes (the record, its payload wrapper, topic and list headers), roughly.
    private static final int OBJECT_OVERHEAD = 128;

    /**
     * Roughly the heap this message holds while it waits in a queue or the retained store:
     * payload, topic, properties and the objects around them. What the byte limits count; cheap
     * (no allocation), and never less than the payload.
     */
    public long heapBytes() {
        long n = OBJECT_OVERHEAD + payload.size() + 2L * topic.length();
        if (!properties.isEmpty()) {
            for (io.polyhook.spi.UserProperty u : properties.userProperties()) {
                n += 48 + 2L * (u.key().length() + u.value().length());
            }
            n += properties.contentType().map(t -> 2L * t.length()).orElse(0L)
                    + properties.responseTopic().map(t -> 2L * t.length()).orElse(0L)
                    + properties.correlationData().map(d -> (long) d.size()).orElse(0L);
        }
        return n;
    }

    /** Whether the MQTT 5 message expiry interval has passed at {@code nowNanos}; never without one. */
    public boolean isExpired(long nowNanos) {
        var interval = properties.messageExpiryInterval();
        return interval.isPresent() && nowNanos - receivedNanos >= interval.getAsLong() * 1_000_000_000L;
    }

    /**
     * This message as it goes on the wire at {@code nowNanos}: the expiry interval reduced by the
     * time it waited in the broker (MQTT 5 §3.3.2.3.3). Unchanged without an expiry interval.
     */
    public Message withRemainingExpiry(long nowNanos) {
        var interval = properties.messageExpiryInterval();
        if (interval.isEmpty()) {
            return this;
        }
        long waited = (nowNanos - receivedNanos) / 1_000_000_000L;
        long remaining = Math.max(1, interval.getAsLong() - waited);
        return rewritten(topic, payload, properties.toBuilder().messageExpiryInterval(remaining).build());
    }
}
