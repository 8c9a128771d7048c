package io.polyhook.broker.clusterbridge;

import io.polyhook.broker.cluster.Claim;
import io.polyhook.broker.cluster.Cluster;
import io.polyhook.broker.cluster.ClusterException;
import io.polyhook.broker.cluster.InFlightMessage;
import io.polyhook.broker.cluster.IncomingSession;
import io.polyhook.broker.cluster.OutgoingSession;
import io.polyhook.broker.cluster.QueuePage;
import io.polyhook.broker.cluster.SessionState;
import io.polyhook.broker.session.Adoption;
import io.polyhook.broker.session.Handover;
import io.polyhook.broker.session.InFlight;
import io.polyhook.broker.session.SessionHandover;
import io.polyhook.broker.session.Surrender;
import io.polyhook.spi.SubscriberId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Persistent sessions moving between this node and another, in the cluster's terms. The old
 * owner serves its {@link Surrender} as an {@link OutgoingSession} (state, then the queue page by
 * page from its store, deleted only at the commit); the new owner reads an
 * {@link IncomingSession} into an {@link Adoption}: state, pages, everything committed to its own
 * store, then the commit to the old owner, and only then is the session installed and the client
 * answered. A move that fails half-way leaves the session with the old owner, which this node
 * tells at once.
 */
final class SessionMoves {

    private static final Logger LOG = LoggerFactory.getLogger(SessionMoves.class);

    private final Cluster cluster;
    private final SessionHandover sessions;
    private final MessageForwarding forwarding;

    SessionMoves(Cluster cluster, SessionHandover sessions, MessageForwarding forwarding) {
        this.cluster = cluster;
        this.sessions = sessions;
        this.forwarding = forwarding;
    }

    /**
     * Gives the session of {@code id} up to {@code node}; {@code reclaimed} gets this node's new
     * claim if the move is given up and the session stays here.
     */
    CompletionStage<Optional<OutgoingSession>> surrender(SubscriberId id, String node, boolean cleanStart,
                                                         Consumer<Claim> reclaimed) {
        return sessions.surrender(id, cleanStart, forwarding.forwarder(id, node))
                .thenApply(s -> s.map(surrender -> outgoing(surrender, reclaimed, null)));
    }

    /**
     * Gives the session of {@code id} to {@code node}, which has not asked for it (this node
     * leaves). What reaches this node for the session waits here until {@code node} reads its
     * queue, and then goes to it after the queue; if the move is given up it goes back into the
     * session here. {@code reclaimed} as for {@link #surrender}.
     */
    CompletionStage<Optional<OutgoingSession>> handOver(SubscriberId id, String node, Consumer<Claim> reclaimed) {
        MessageForwarding.Forwarder forwarder = forwarding.handingOver(id, node);
        return sessions.surrender(id, false, forwarder)
                .thenApply(s -> s.map(surrender -> outgoing(surrender, reclaimed, forwarder)));
    }

    /** {@code handingOver}: the holding forwarder of a hand-over, null in a takeover (its forwarder sends at once). */
    private static OutgoingSession outgoing(Surrender surrender, Consumer<Claim> reclaimed,
                                            MessageForwarding.Forwarder handingOver) {
        SessionState head = state(surrender.head());
        return new OutgoingSession() {
            @Override
            public SessionState head() {
                return head;
            }

            @Override
            public QueuePage next(int maxMessages, long maxBytes) {
                // The new owner reads the queue, so it holds the session: what waited here for it can go now
                // (ahead of this page's answer on the link, and held there until the queue is written).
                if (handingOver != null) {
                    handingOver.release();
                }
                var page = surrender.next(maxMessages, maxBytes);
                return page.isEmpty() ? QueuePage.END : new QueuePage(page, false);
            }

            @Override
            public void committed() {
                if (handingOver != null) {
                    handingOver.release();
                }
                surrender.committed();
            }

            @Override
            public void abandoned(Optional<Claim> claim) {
                claim.ifPresent(reclaimed);
                surrender.abandoned(claim.isPresent());
                if (handingOver != null) {
                    handingOver.returnHere();
                }
            }
        };
    }

    /**
     * Asks the previous owner of {@code claim} for the session ({@link
     * io.polyhook.broker.cluster.SessionOwnership#takeOver}). What it forwards to the session from
     * the moment it seals it, which may be before its answer arrives, waits for {@link #adopt}.
     */
    CompletionStage<Optional<IncomingSession>> takeOver(Claim claim, boolean cleanStart) {
        sessions.expect(claim.id());
        return cluster.ownership().takeOver(claim, cleanStart).whenComplete((in, e) -> {
            if (e != null || in.isEmpty()) {
                sessions.notComing(claim.id());
            }
        });
    }

    /**
     * Reads {@code in} into this node: state, queue, commit here, commit to the old owner, then
     * installs it. Fails (and keeps nothing of it) when the old owner stops answering before the
     * commit, or refuses the commit because it gave the move up. When the commit's answer does
     * not come, the session is kept here and the client id claimed again, so that the old owner,
     * should it not have the commit, finds its claim stale and drops its copy rather than keep a
     * second one.
     */
    CompletionStage<Void> adopt(IncomingSession in, Consumer<Claim> reclaimed) {
        Adoption adoption = null;
        try {
            adoption = sessions.adopt(handover(in.head()), forwarding.arriving(in.head().id()));
            adoption.begin();
        } catch (RuntimeException e) {
            LOG.warn("moving {} here failed: {}", in.head().id().clientId(), e.getMessage());
            if (adoption != null) {
                adoption.fail();
            }
            return in.abandon().thenCompose(v -> CompletableFuture.failedFuture(new ClusterException(
                    ClusterException.Reason.UNAVAILABLE, "the session could not move from another node; try again")));
        }
        SubscriberId id = in.head().id();
        Adoption started = adoption;
        return read(in, started).thenCompose(v -> started.written()).thenCompose(v -> in.committed().handle((ok, e) -> {
            if (e == null) {
                started.install();
                return CompletableFuture.<Void>completedFuture(null);
            }
            if (ClusterSessions.cause(e) instanceof ClusterException ce && ce.reason() == ClusterException.Reason.REFUSED) {
                throw new IllegalStateException("the previous owner gave the move up: " + ce.getMessage());
            }
            LOG.warn("the previous owner of {} did not confirm the move ({}): the session stays here", id.clientId(),
                    ClusterSessions.cause(e).getMessage());
            started.install();
            return cluster.ownership().claim(id).thenAccept(reclaimed).exceptionally(x -> {
                LOG.warn("claiming {} again failed: {}", id.clientId(), ClusterSessions.cause(x).getMessage());
                return null;
            });
        }).thenCompose(stage -> stage)).exceptionallyCompose(e -> {
            LOG.warn("moving {} here failed: {}", id.clientId(), ClusterSessions.cause(e).getMessage());
            started.fail();
            // The old owner takes the session back now, so that the client's next attempt finds it there.
            return in.abandon().thenCompose(v -> CompletableFuture.failedFuture(new ClusterException(
                    ClusterException.Reason.UNAVAILABLE, "the session could not move from another node; try again")));
        });
    }

    private static CompletionStage<Void> read(IncomingSession in, Adoption adoption) {
        return in.next().thenCompose(page -> {
            adoption.append(page.messages());
            return page.last() ? CompletableFuture.<Void>completedFuture(null) : read(in, adoption);
        });
    }

    static SessionState state(Handover h) {
        List<InFlightMessage> inflight = h.inflight().stream()
                .map(f -> new InFlightMessage(f.packetId(), f.message(), f.released())).toList();
        return new SessionState(h.id(), h.expirySeconds(), h.subscriptions(), inflight, h.inboundQos2(), List.of());
    }

    static Handover handover(SessionState s) {
        List<InFlight> inflight = s.inflight().stream()
                .map(f -> new InFlight(f.packetId(), f.message(), f.released())).toList();
        return new Handover(s.id(), s.expirySeconds(), s.subscriptions(), inflight, s.inboundQos2());
    }
}
