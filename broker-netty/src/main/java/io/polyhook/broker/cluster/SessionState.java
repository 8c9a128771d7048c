package io.polyhook.broker.cluster;

import io.polyhook.broker.routing.Message;
import io.polyhook.spi.SubscriberId;
import io.polyhook.spi.TopicSubscription;

import java.util.List;
import java.util.Objects;

/**
 * A persistent session as it moves between nodes (a takeover, or a node that leaves): what the
 * new owner needs to resume it with nothing lost or duplicated.
 *
 * @param id            the session identity
 * @param expirySeconds the session expiry interval (MQTT 5; 0xFFFFFFFF: never)
 * @param subscriptions its subscriptions, in the order they were made
 * @param inflight      sent and not fully acknowledged, in packet order: resent first
 * @param inboundQos2   packet ids of QoS 2 messages the client sent whose PUBREL has not come: a
 *                      resent one is acknowledged, not routed again
 * @param queued        never sent yet, oldest first: sent after the in-flight ones (empty when the
 *                      queue travels in pages, see {@link OutgoingSession})
 */
public record SessionState(SubscriberId id, long expirySeconds, List<TopicSubscription> subscriptions,
                           List<InFlightMessage> inflight, List<Integer> inboundQos2, List<Message> queued) {

    /** Checks the identity; copies the lists. */
    public SessionState {
        Objects.requireNonNull(id, "id");
        subscriptions = List.copyOf(subscriptions);
        inflight = List.copyOf(inflight);
        inboundQos2 = List.copyOf(inboundQos2);
        queued = List.copyOf(queued);
    }

    /** A state without inbound QoS 2 packet ids. */
    public SessionState(SubscriberId id, long expirySeconds, List<TopicSubscription> subscriptions,
                        List<InFlightMessage> inflight, List<Message> queued) {
        this(id, expirySeconds, subscriptions, inflight, List.of(), queued);
    }
}
