package io.polyhook.cluster.infinispan;

import io.polyhook.broker.cluster.Claim;
import io.polyhook.broker.cluster.IncomingSession;
import io.polyhook.broker.cluster.OutgoingSession;
import io.polyhook.broker.cluster.QueuePage;
import io.polyhook.broker.cluster.SessionState;
import io.polyhook.broker.cluster.TakeoverHandler;
import io.polyhook.spi.SubscriberId;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a broker does with the takeover calls: its sessions in a map, its closes in a list, and
 * what became of the sessions it gave up (committed by the new owner, or abandoned back to it).
 */
final class FakeBroker implements TakeoverHandler {

    /** A connection closed because another node took the session: MQTT 5 reason 0x8E. */
    record Closed(SubscriberId id, int reasonCode, Claim by) {
    }

    final Map<SubscriberId, SessionState> sessions = new ConcurrentHashMap<>();
    final List<Closed> closed = new CopyOnWriteArrayList<>();
    final Map<SubscriberId, Claim> adopted = new ConcurrentHashMap<>();
    /** Sessions given up whose new owner committed them: this broker deleted its copy. */
    final List<SubscriberId> committed = new CopyOnWriteArrayList<>();
    /** Sessions given up that came back, with the claim they came back under (empty: dropped). */
    final Map<SubscriberId, Optional<Claim>> abandoned = new ConcurrentHashMap<>();
    /** How many pages the sessions given up were read in. */
    final AtomicInteger pagesServed = new AtomicInteger();

    @Override
    public CompletionStage<Optional<OutgoingSession>> surrender(SubscriberId id, Claim newOwner, boolean cleanStart) {
        SessionState state = sessions.remove(id);
        if (state != null) {
            closed.add(new Closed(id, 0x8E, newOwner));
        }
        return CompletableFuture.completedFuture(cleanStart || state == null ? Optional.empty()
                : Optional.of(tracked(id, state)));
    }

    /** {@code state} served as the broker would: its deletion waits for the commit. */
    OutgoingSession tracked(SubscriberId id, SessionState state) {
        OutgoingSession inner = OutgoingSession.of(state);
        return new OutgoingSession() {
            @Override
            public SessionState head() {
                return inner.head();
            }

            @Override
            public QueuePage next(int maxMessages, long maxBytes) {
                pagesServed.incrementAndGet();
                return inner.next(maxMessages, maxBytes);
            }

            @Override
            public void committed() {
                committed.add(id);
            }

            @Override
            public void abandoned(Optional<Claim> reclaimed) {
                abandoned.put(id, reclaimed);
                if (reclaimed.isPresent()) {
                    sessions.put(id, state);
                }
            }
        };
    }

    @Override
    public CompletionStage<Void> adopt(Claim claim, IncomingSession session) {
        return session.readAll().thenCompose(state -> {
            sessions.put(claim.id(), state);
            adopted.put(claim.id(), claim);
            return session.committed();
        });
    }
}
