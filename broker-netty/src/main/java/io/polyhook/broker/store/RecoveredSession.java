package io.polyhook.broker.store;

import io.polyhook.spi.TopicSubscription;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the store holds for one session, as found at start-up; its queued messages stay on
 * disk and are read in pages ({@link BrokerStore#readQueue}).
 *
 * @param session       the session's record
 * @param subscriptions its subscriptions, with their options and subscription identifiers
 * @param queued        the size of its queue
 * @param inFlight      its outgoing QoS 1/2 messages not fully acknowledged, by packet id
 * @param inboundQos2   the packet ids of QoS 2 messages it sent whose PUBREL has not come yet
 * @param will          its will, if one waits for its delay
 */
public record RecoveredSession(StoredSession session, List<TopicSubscription> subscriptions, QueueSize queued,
                               List<InFlightEntry> inFlight, List<Integer> inboundQos2, Optional<StoredWill> will) {

    /** Checks every field is present; copies the lists. */
    public RecoveredSession {
        Objects.requireNonNull(session, "session");
        subscriptions = List.copyOf(subscriptions);
        Objects.requireNonNull(queued, "queued");
        inFlight = List.copyOf(inFlight);
        inboundQos2 = List.copyOf(inboundQos2);
        Objects.requireNonNull(will, "will");
    }
}
