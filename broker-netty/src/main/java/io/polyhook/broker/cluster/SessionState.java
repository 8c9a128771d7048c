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
 * @param queued        never sent yet, oldest first: sent after the in-flight ones
 */
public record SessionState(SubscriberId id, long expirySeconds, List<TopicSubscription> subscriptions,
                           List<InFlightMessage> inflight, List<Message> queued) {

    /** Checks the identity; copies the lists. */
    public SessionState {
        Objects.requireNonNull(id, "id");
        subscriptions = List.copyOf(subscriptions);
        inflight = List.copyOf(inflight);
        queued = List.copyOf(queued);
    }
}
