package io.polyhook.broker.clusterbridge;

import io.polyhook.broker.cluster.Claim;
import io.polyhook.broker.cluster.Cluster;
import io.polyhook.broker.cluster.ClusterCommand;
import io.polyhook.broker.cluster.ClusterException;
import io.polyhook.broker.cluster.ClusterOperation;
import io.polyhook.broker.cluster.InFlightMessage;
import io.polyhook.broker.cluster.SessionState;
import io.polyhook.broker.cluster.TakeoverHandler;
import io.polyhook.broker.session.ClusterSeam;
import io.polyhook.broker.session.Handover;
import io.polyhook.broker.session.InFlight;
import io.polyhook.broker.session.SessionRegistry;
import io.polyhook.spi.SubscriberId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Client ids across nodes. A CONNECT claims its id (the epoch of the claim is its fencing
 * number); if another node held it, that node closes its connection (0x8E) and hands the
 * persistent session over — subscriptions, unacknowledged messages with their packet ids, then
 * the queue, in order — and this node installs it before the client is attached, so the attach
 * resumes it. A session that ends gives its claim up. A node that leaves cleanly hands its
 * offline persistent sessions to the others.
 */
final class ClusterSessions implements ClusterSeam, TakeoverHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterSessions.class);

    private final Cluster cluster;
    private final SessionRegistry sessions;
    // The claims this node holds, by client: what a release or a hand-over names.
    private final Map<SubscriberId, Claim> claims = new ConcurrentHashMap<>();

    ClusterSessions(Cluster cluster, SessionRegistry sessions) {
        this.cluster = cluster;
        this.sessions = sessions;
    }

    @Override
    public CompletionStage<Void> claim(SubscriberId id, boolean cleanStart) {
        if (!ClusterOperation.REGISTER.allowedIn(cluster.membership().view(), cluster.settings())) {
            return CompletableFuture.failedFuture(new ClusterException(ClusterException.Reason.UNAVAILABLE,
                    "this node is on the minority side of a netsplit"));
        }
        return cluster.ownership().claim(id).thenCompose(claim -> {
            claims.put(id, claim);
            if (!claim.takesOverFromAnotherNode()) {
                return CompletableFuture.completedFuture(null);
            }
            return cluster.ownership().takeOver(claim, cleanStart)
                    .thenAccept(state -> state.ifPresent(s -> sessions.adopt(handover(s))))
                    .exceptionally(e -> {
                        if (cause(e) instanceof ClusterException ce && ce.reason() == ClusterException.Reason.STALE_CLAIM) {
                            throw new CompletionException(ce);
                        }
                        // The old owner did not answer: the client gets a fresh session here (docs/clustering.md).
                        LOG.warn("taking {} over from {} failed ({}); the session starts afresh", id.clientId(),
                                claim.previous().map(o -> o.node()).orElse("?"), cause(e).getMessage());
                        return null;
                    });
        });
    }

    @Override
    public void released(SubscriberId id) {
        Claim claim = claims.remove(id);
        if (claim != null) {
            cluster.ownership().release(claim).exceptionally(e -> {
                LOG.debug("releasing {} failed: {}", id.clientId(), cause(e).getMessage());
                return false;
            });
        }
    }

    @Override
    public boolean allowsSubscribe() {
        return ClusterOperation.SUBSCRIBE.allowedIn(cluster.membership().view(), cluster.settings());
    }

    @Override
    public boolean allowsPublish() {
        return ClusterOperation.PUBLISH.allowedIn(cluster.membership().view(), cluster.settings());
    }

    @Override
    public boolean disconnectElsewhere(SubscriberId id, boolean cleanup) {
        try {
            return cluster.commands().broadcast(new ClusterCommand.Disconnect(id, cleanup)).toCompletableFuture()
                    .get(15, TimeUnit.SECONDS).entrySet().stream()
                    .anyMatch(e -> !e.getKey().equals(cluster.nodeName()) && e.getValue().applied());
        } catch (Exception e) {
            LOG.warn("disconnecting {} on the other nodes failed: {}", id.clientId(), cause(e).toString());
            return false;
        }
    }

    @Override
    public void reauthorizeElsewhere(SubscriberId id, Optional<String> username) {
        cluster.commands().broadcast(new ClusterCommand.ReauthorizeSubscriptions(id, username));
    }

    @Override
    public CompletionStage<Optional<SessionState>> surrender(SubscriberId id, Claim newOwner, boolean cleanStart) {
        claims.remove(id);
        return sessions.surrender(id, cleanStart).thenApply(h -> h.map(ClusterSessions::state));
    }

    @Override
    public CompletionStage<Void> adopt(Claim claim, SessionState state) {
        claims.put(claim.id(), claim);
        sessions.adopt(handover(state));
        return CompletableFuture.completedFuture(null);
    }

    /**
     * Hands every persistent session of this node (all offline by now: the broker disconnected
     * its clients) to the other nodes in turn, and waits up to {@code timeoutMillis} for them.
     * A session whose target refuses stays here, unavailable until this node returns.
     */
    void handOverAll(long timeoutMillis) {
        List<String> peers = cluster.membership().view().peers();
        if (peers.isEmpty() || claims.isEmpty()) {
            return;
        }
        List<CompletableFuture<?>> moves = new ArrayList<>();
        int next = 0;
        for (Map.Entry<SubscriberId, Claim> e : Map.copyOf(claims).entrySet()) {
            String to = peers.get(next++ % peers.size());
            Claim claim = e.getValue();
            moves.add(sessions.surrender(e.getKey(), false).thenCompose(h -> h.isEmpty()
                    ? CompletableFuture.completedFuture(null)
                    : cluster.ownership().transfer(claim, to, state(h.get())).thenAccept(c -> claims.remove(e.getKey(), claim)))
                    .exceptionally(x -> {
                        LOG.warn("handing {} to {} failed: {}", e.getKey().clientId(), to, cause(x).getMessage());
                        return null;
                    }).toCompletableFuture());
        }
        try {
            CompletableFuture.allOf(moves.toArray(CompletableFuture[]::new)).get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warn("handing sessions over before leaving did not finish: {}", e.toString());
        }
        LOG.info("handed {} sessions over to {}", moves.size(), peers);
    }

    static SessionState state(Handover h) {
        List<InFlightMessage> inflight = h.inflight().stream()
                .map(f -> new InFlightMessage(f.packetId(), f.message(), f.released())).toList();
        return new SessionState(h.id(), h.expirySeconds(), h.subscriptions(), inflight, h.queued());
    }

    static Handover handover(SessionState s) {
        List<InFlight> inflight = s.inflight().stream()
                .map(f -> new InFlight(f.packetId(), f.message(), f.released())).toList();
        return new Handover(s.id(), s.expirySeconds(), s.subscriptions(), inflight, s.queued());
    }

    private static Throwable cause(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }
}
