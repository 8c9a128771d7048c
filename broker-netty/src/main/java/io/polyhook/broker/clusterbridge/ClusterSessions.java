package io.polyhook.broker.clusterbridge;

import io.polyhook.broker.cluster.Claim;
import io.polyhook.broker.cluster.Cluster;
import io.polyhook.broker.cluster.ClusterCommand;
import io.polyhook.broker.cluster.ClusterException;
import io.polyhook.broker.cluster.ClusterOperation;
import io.polyhook.broker.cluster.IncomingSession;
import io.polyhook.broker.cluster.OutgoingSession;
import io.polyhook.broker.cluster.Owner;
import io.polyhook.broker.cluster.TakeoverHandler;
import io.polyhook.broker.session.ClusterSeam;
import io.polyhook.broker.session.SessionRegistry;
import io.polyhook.spi.SubscriberId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Client ids across nodes. A CONNECT claims its id (the epoch of the claim is its fencing
 * number); if another node held it, that node closes its connection (0x8E) and hands the
 * persistent session over ({@link SessionMoves}), which this node writes before the client is
 * attached, so the attach resumes it. A session that ends gives its claim up. A node that leaves
 * cleanly hands its offline persistent sessions to the others the same way. At start-up, a
 * session of the durable store whose client id another node claimed meanwhile is dropped.
 */
final class ClusterSessions implements ClusterSeam, TakeoverHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterSessions.class);

    private final Cluster cluster;
    private final SessionRegistry sessions;
    private final SessionMoves moves;
    // The claims this node holds, by client: what a release or a hand-over names.
    private final Map<SubscriberId, Claim> claims = new ConcurrentHashMap<>();

    ClusterSessions(Cluster cluster, SessionRegistry sessions, MessageForwarding forwarding) {
        this.cluster = cluster;
        this.sessions = sessions;
        this.moves = new SessionMoves(cluster, sessions.handover(), forwarding);
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
            String from = claim.previous().map(Owner::node).orElse("?");
            return moves.takeOver(claim, cleanStart).handle((incoming, e) -> {
                if (e == null) {
                    // A move that fails gives the claim up too: the session stays with the old owner, which
                    // finds itself the owner again (it claimed it back, or it finds no owner when it returns).
                    return incoming.map(in -> moves.adopt(in, c -> claims.put(id, c)).whenComplete((v, x) -> {
                        if (x != null) {
                            released(id);
                        }
                    })).orElse(CompletableFuture.completedFuture(null));
                }
                if (cause(e) instanceof ClusterException ce && ce.reason() == ClusterException.Reason.STALE_CLAIM) {
                    throw new CompletionException(ce);
                }
                // The old owner did not answer: the client gets a fresh session here (docs/clustering.md), under
                // a newer claim, so that a session the old owner may have given up meanwhile is not taken back.
                LOG.warn("taking {} over from {} failed ({}); the session starts afresh", id.clientId(), from,
                        cause(e).getMessage());
                return cluster.ownership().claim(id).thenAccept(c -> claims.put(id, c));
            }).thenCompose(stage -> stage);
        });
    }

    @Override
    public Set<SubscriberId> staleRecovered(Collection<SubscriberId> ids) {
        Map<SubscriberId, Owner> now;
        try {
            now = cluster.ownership().reclaim(ids).toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Set.of();
        } catch (Exception e) {
            // The cluster cannot say: the sessions stay (a later takeover fences each as any other).
            LOG.warn("could not check who owns {} stored sessions ({}); they stay on this node", ids.size(),
                    cause(e).toString());
            return Set.of();
        }
        Set<SubscriberId> stale = new HashSet<>();
        int unanswered = 0;
        for (SubscriberId id : ids) {
            Owner owner = now.get(id);
            if (owner == null) {
                unanswered++;
            } else if (owner.node().equals(cluster.nodeName())) {
                claims.put(id, new Claim(id, owner, Optional.empty()));
            } else {
                LOG.warn("session {} in the store is stale: {} owns it at epoch {}; this node's copy is dropped",
                        id.clientId(), owner.node(), owner.epoch());
                stale.add(id);
            }
        }
        if (unanswered > 0) {
            LOG.warn("could not check who owns {} stored sessions; they stay on this node", unanswered);
        }
        return stale;
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
    public CompletionStage<Optional<OutgoingSession>> surrender(SubscriberId id, Claim newOwner, boolean cleanStart) {
        claims.remove(id);
        return moves.surrender(id, newOwner.owner().node(), cleanStart, reclaimed -> claims.put(id, reclaimed));
    }

    @Override
    public CompletionStage<Void> adopt(Claim claim, IncomingSession session) {
        claims.put(claim.id(), claim);
        return moves.adopt(session, c -> claims.put(claim.id(), c)).whenComplete((v, e) -> {
            if (e != null) {
                claims.remove(claim.id(), claim);
            }
        });
    }

    /**
     * Hands every persistent session of this node (all offline by now: the broker disconnected
     * its clients) to the other nodes in turn, queues included, and waits up to
     * {@code timeoutMillis} for them. A session whose target refuses stays here, unavailable until
     * this node returns.
     */
    void handOverAll(long timeoutMillis) {
        List<String> peers = cluster.membership().view().peers();
        if (peers.isEmpty() || claims.isEmpty()) {
            return;
        }
        List<CompletableFuture<?>> all = new ArrayList<>();
        int next = 0;
        for (Map.Entry<SubscriberId, Claim> e : Map.copyOf(claims).entrySet()) {
            String to = peers.get(next++ % peers.size());
            Claim claim = e.getValue();
            // A hand-over given up claims the client id back above the target's epoch: this node holds that claim.
            all.add(moves.handOver(e.getKey(), to, reclaimed -> claims.put(e.getKey(), reclaimed)).thenCompose(out -> out.isEmpty()
                    ? CompletableFuture.completedFuture(null)
                    : cluster.ownership().transfer(claim, to, out.get()).thenAccept(c -> claims.remove(e.getKey(), claim)))
                    .exceptionally(x -> {
                        LOG.warn("handing {} to {} failed: {}", e.getKey().clientId(), to, cause(x).getMessage());
                        return null;
                    }).toCompletableFuture());
        }
        try {
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warn("handing sessions over before leaving did not finish: {}", e.toString());
        }
        LOG.info("handed {} sessions over to {}", all.size(), peers);
    }

    static Throwable cause(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }
}
