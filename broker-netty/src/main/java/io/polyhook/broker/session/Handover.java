package io.polyhook.broker.session;

import io.polyhook.broker.routing.Message;
import io.polyhook.spi.SubscriberId;
import io.polyhook.spi.TopicSubscription;

import java.util.List;
import java.util.Objects;

/**
 * A persistent session as this node gives it up to another one (or installs it from another):
 * what the new owner resumes it with.
 *
 * @param id            the session identity
 * @param expirySeconds its session expiry interval
 * @param subscriptions its subscriptions
 * @param inflight      sent and not fully acknowledged, in packet order: resent first with their packet ids
 * @param queued        never sent, oldest first
 */
public record Handover(SubscriberId id, long expirySeconds, List<TopicSubscription> subscriptions,
                       List<InFlight> inflight, List<Message> queued) {

    /** Checks the identity; copies the lists. */
    public Handover {
        Objects.requireNonNull(id, "id");
        subscriptions = List.copyOf(subscriptions);
        inflight = List.copyOf(inflight);
        queued = List.copyOf(queued);
    }
}
