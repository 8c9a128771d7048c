package io.polyhook.broker.session;

import io.polyhook.spi.SubscriberId;
import io.polyhook.spi.TopicSubscription;

import java.util.List;
import java.util.Objects;

/**
 * A persistent session's state as it moves to another node (or comes from one), without its
 * queue, which follows in pages ({@link Surrender}, {@link Adoption}).
 *
 * @param id            the session identity
 * @param expirySeconds its session expiry interval
 * @param subscriptions its subscriptions
 * @param inflight      sent and not fully acknowledged, in packet order: resent first with their packet ids
 * @param inboundQos2   packet ids of the client's QoS 2 messages whose PUBREL has not come
 */
public record Handover(SubscriberId id, long expirySeconds, List<TopicSubscription> subscriptions,
                       List<InFlight> inflight, List<Integer> inboundQos2) {

    /** Checks the identity; copies the lists. */
    public Handover {
        Objects.requireNonNull(id, "id");
        subscriptions = List.copyOf(subscriptions);
        inflight = List.copyOf(inflight);
        inboundQos2 = List.copyOf(inboundQos2);
    }
}
