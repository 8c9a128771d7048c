package io.polyhook.broker.store;

import io.polyhook.broker.routing.Message;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.MqttProperties;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A message as the store keeps it: a {@link Message} whose receive time is wall-clock time, so
 * that its MQTT 5 expiry keeps running across a restart ({@link Message#receivedNanos()} means
 * nothing in another process).
 *
 * @param topic            the topic name, without mountpoint
 * @param qos              0, 1 or 2
 * @param payload          the payload
 * @param retain           the retain flag
 * @param properties       the MQTT 5 properties that travel with the message
 * @param publisher        the client id of the publisher; empty for the broker
 * @param subscriptionIds  the subscription identifiers of a delivery (MQTT 5), empty otherwise
 * @param receivedAtMillis when the broker received it, in milliseconds since the epoch
 */
public record StoredMessage(String topic, int qos, Bytes payload, boolean retain, MqttProperties properties,
                           Optional<String> publisher, List<Integer> subscriptionIds, long receivedAtMillis) {

    /** Checks every field is present and the QoS 0..2; copies the identifier list. */
    public StoredMessage {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(properties, "properties");
        Objects.requireNonNull(publisher, "publisher");
        subscriptionIds = List.copyOf(subscriptionIds);
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("qos must be 0..2, was " + qos);
        }
    }

    /**
     * {@code m} as stored at this moment: {@code nowNanos} on {@link System#nanoTime()}'s clock is
     * {@code nowMillis} on the wall clock.
     */
    public static StoredMessage of(Message m, long nowNanos, long nowMillis) {
        long receivedAt = nowMillis - Math.max(0, nowNanos - m.receivedNanos()) / 1_000_000L;
        return new StoredMessage(m.topic(), m.qos(), m.payload(), m.retain(), m.properties(), m.publisher(),
                m.subscriptionIds(), receivedAt);
    }

    /** This message for the broker of this process, whose {@link System#nanoTime()} reads {@code nowNanos} at {@code nowMillis}. */
    public Message toMessage(long nowNanos, long nowMillis) {
        long waitedNanos = Math.max(0, nowMillis - receivedAtMillis) * 1_000_000L;
        return new Message(topic, qos, payload, retain, properties, publisher, subscriptionIds, nowNanos - waitedNanos);
    }

    /** Whether the MQTT 5 message expiry interval has passed at {@code nowMillis}; never without one. */
    public boolean isExpired(long nowMillis) {
        var interval = properties.messageExpiryInterval();
        return interval.isPresent() && nowMillis - receivedAtMillis >= interval.getAsLong() * 1000L;
    }

    /**
     * What the message weighs against a queue's byte limit: what the broker counts for it in
     * memory ({@link Message#heapBytes()}), so that {@code max_offline_bytes} means the same with
     * either store.
     */
    public int weight() {
        return (int) Math.min(Integer.MAX_VALUE, toMessage(0, receivedAtMillis).heapBytes());
    }
}
