package io.polyhook.broker.cluster;

import java.util.List;
import java.util.Optional;

/**
 * A session this node gives up to another one (a takeover or a clean leave), as the new owner
 * reads it: the state first, then the queue a page at a time. This node keeps its copy until the
 * new owner says it has written everything ({@link #committed()}); if the new owner does not get
 * that far, the session stays here ({@link #abandoned}). The cluster calls these methods one at a
 * time, on a worker thread (they may read the durable store).
 */
public interface OutgoingSession {

    /** Subscriptions, in-flight messages, inbound QoS 2 packet ids and expiry; its {@code queued} is empty. */
    SessionState head();

    /**
     * The next page of the queue: at most {@code maxMessages} messages, and no more than about
     * {@code maxBytes} of payload (at least one message, however large); {@link QueuePage#last()}
     * at its end.
     */
    QueuePage next(int maxMessages, long maxBytes);

    /** The new owner has the session in its store (or heap): this node deletes its copy. */
    void committed();

    /**
     * The new owner did not take the session (it failed, or stopped asking). {@code reclaimed}:
     * this node's new claim of the client id, under which the session stays here; empty when
     * another node owns the client id meanwhile, so this copy is stale.
     */
    void abandoned(Optional<Claim> reclaimed);

    /**
     * A session held in memory, its queue in {@code state.queued()} served in pages; nothing to
     * delete or keep (a node without a durable store, and tests).
     */
    static OutgoingSession of(SessionState state) {
        SessionState head = new SessionState(state.id(), state.expirySeconds(), state.subscriptions(),
                state.inflight(), state.inboundQos2(), List.of());
        List<io.polyhook.broker.routing.Message> queue = state.queued();
        return new OutgoingSession() {
            private int position;

            @Override
            public SessionState head() {
                return head;
            }

            @Override
            public QueuePage next(int maxMessages, long maxBytes) {
                int end = position;
                long bytes = 0;
                while (end < queue.size() && end - position < Math.max(1, maxMessages)
                        && (end == position || bytes + queue.get(end).payload().size() <= maxBytes)) {
                    bytes += queue.get(end).payload().size();
                    end++;
                }
                List<io.polyhook.broker.routing.Message> page = queue.subList(position, end);
                position = end;
                return new QueuePage(page, end == queue.size());
            }

            @Override
            public void committed() {
            }

            @Override
            public void abandoned(Optional<Claim> reclaimed) {
            }
        };
    }
}
