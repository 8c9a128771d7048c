package io.polyhook.cluster.infinispan.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.polyhook.broker.cluster.Claim;
import io.polyhook.broker.cluster.ClusterException;
import io.polyhook.broker.cluster.IncomingSession;
import io.polyhook.broker.cluster.OutgoingSession;
import io.polyhook.broker.config.ClusterSettings;
import io.polyhook.broker.cluster.NetsplitState;
import io.polyhook.broker.cluster.Owner;
import io.polyhook.broker.cluster.SessionOwnership;
import io.polyhook.broker.cluster.SessionState;
import io.polyhook.broker.cluster.TakeoverHandler;
import io.polyhook.spi.Registration;
import io.polyhook.spi.SubscriberId;
import org.infinispan.Cache;
import org.infinispan.commons.CacheException;
import org.infinispan.partitionhandling.AvailabilityException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Owner entries on a distributed cache, key {@code (mountpoint, client id)}, value
 * {@code "<epoch>:<node>"}, changed only by compare-and-set: a claim replaces exactly the entry
 * it read with the next epoch, so of two racing claims one wins and the other retries above it.
 * With {@code allow_register_during_netsplit: false} the cache denies reads and writes on a
 * minority side (Infinispan's DENY_READ_WRITES), which is what refuses registration there.
 *
 * <p>Takeovers and hand-overs travel on the data plane; the receiving node checks the claim it
 * is shown against the cache before it gives anything up, so a stale or forged claim gets
 * nothing. A session moves as its state, then its queue in pages the new owner asks for one at a
 * time ({@link Transfers}; a takeover's answer carries the first), then a commit once the new
 * owner has written it all; only the commit
 * lets the old owner delete its copy. A move the new owner stops asking about is given up after
 * twice the request timeout: the old owner claims the client id back and keeps the session.
 */
public final class OwnershipRegistry implements SessionOwnership {

    private static final Logger LOG = LoggerFactory.getLogger(OwnershipRegistry.class);
    static final int OP_TAKEOVER = 1;
    static final int OP_ADOPT = 2;
    // 3 is BroadcastCommands.OP_COMMAND.
    static final int OP_PAGE = 4;
    static final int OP_COMMIT = 5;
    static final int OP_ABANDON = 6;
    private static final int MAX_ATTEMPTS = 32;
    // Owner entries read and written at once when a node re-claims its stored sessions at start-up.
    static final int RECLAIM_CHUNK = 1024;
    // How often a move given up while the owner cache cannot answer is settled again.
    private static final long SETTLE_RETRY_MILLIS = 1_000;

    private final String self;
    private final ClusterSettings settings;
    private final OwnerEntries owners;
    private final NodeDirectory directory;
    private final NettyDataPlane plane;
    private final ExecutorService workers;
    // The claims this node holds: re-published after a merge, surrendered if the merge chose another.
    private final Map<SubscriberId, Owner> held = new ConcurrentHashMap<>();
    private final Transfers transfers;
    private volatile TakeoverHandler handler;

    /**
     * Owners on {@code owners}; round trips on {@code plane}; cache calls on {@code workers}; a
     * move whose new owner stays silent for twice {@code requestTimeout} is given up.
     */
    public OwnershipRegistry(ClusterSettings settings, Cache<String, String> owners, NodeDirectory directory,
                             NettyDataPlane plane, ExecutorService workers, Duration requestTimeout) {
        this.self = settings.nodeName();
        this.settings = settings;
        this.owners = new OwnerEntries(self, owners);
        this.directory = directory;
        this.plane = plane;
        this.workers = workers;
        this.transfers = new Transfers(plane, workers, requestTimeout.multipliedBy(2), this::giveUp);
        plane.onRequest(OP_TAKEOVER, this::takeoverRequested);
        plane.onRequest(OP_ADOPT, this::adoptRequested);
    }

    @Override
    public CompletionStage<Claim> claim(SubscriberId id) {
        return async(() -> {
            checkRegistering();
            return claimNow(id);
        });
    }

    /**
     * One {@code getAll} per chunk, then every conditional write of the chunk in flight at once:
     * a round trip or two per chunk instead of two per session. An entry that changed in between
     * is claimed the one-at-a-time way.
     */
    @Override
    public CompletionStage<Map<SubscriberId, Owner>> reclaim(Collection<SubscriberId> ids) {
        return async(() -> {
            checkRegistering();
            Map<SubscriberId, Owner> now = new HashMap<>();
            List<SubscriberId> all = List.copyOf(ids);
            for (int from = 0; from < all.size(); from += RECLAIM_CHUNK) {
                reclaimChunk(all.subList(from, Math.min(all.size(), from + RECLAIM_CHUNK)), now);
            }
            return now;
        });
    }

    private void reclaimChunk(List<SubscriberId> ids, Map<SubscriberId, Owner> now) {
        Map<String, SubscriberId> byKey = new LinkedHashMap<>();
        ids.forEach(id -> byKey.put(key(id), id));
        Map<String, String> found = owners.getAll(byKey.keySet());
        Map<SubscriberId, Owner> proposed = new HashMap<>();
        Map<SubscriberId, CompletableFuture<Boolean>> writes = new HashMap<>();
        byKey.forEach((key, id) -> {
            String current = found.get(key);
            Owner previous = current == null ? null : OwnerValue.decode(current);
            if (previous != null && !previous.node().equals(self)) {
                now.put(id, previous);
                return;
            }
            Owner next = new Owner(self, previous == null ? 1 : previous.epoch() + 1);
            String value = OwnerValue.encode(next);
            proposed.put(id, next);
            hold(id, next);
            writes.put(id, current == null ? owners.putIfAbsentAsync(key, value)
                    : owners.replaceAsync(key, current, value));
        });
        writes.forEach((id, write) -> {
            try {
                if (write.join()) {
                    now.put(id, proposed.get(id));
                } else {
                    held.remove(id, proposed.get(id));
                    now.put(id, claimOrOwner(id));
                }
            } catch (RuntimeException e) {
                held.remove(id, proposed.get(id));
                // Left out: the caller keeps the session, as when the cluster cannot say.
                LOG.debug("claiming {} again failed: {}", id.clientId(), e.toString());
            }
        });
    }

    /** The owner of {@code id} after claiming it, unless another node holds it. */
    private Owner claimOrOwner(SubscriberId id) {
        String current = owners.get(key(id));
        if (current != null && !OwnerValue.decode(current).node().equals(self)) {
            return OwnerValue.decode(current);
        }
        return claimNow(id).owner();
    }

    private Claim claimNow(SubscriberId id) {
        String key = key(id);
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            String current = owners.get(key);
            Owner previous = current == null ? null : OwnerValue.decode(current);
            Owner next = new Owner(self, previous == null ? 1 : previous.epoch() + 1);
            String value = OwnerValue.encode(next);
            // Held before the write: a takeover request may follow the write at once, and must find it to drop.
            hold(id, next);
            boolean won = current == null ? owners.putIfAbsent(key, value) == null
                    : owners.replace(key, current, value);
            if (won) {
                return new Claim(id, next, Optional.ofNullable(previous));
            }
            held.remove(id, next);
        }
        throw new ClusterException(ClusterException.Reason.REFUSED,
                "claim of " + id.clientId() + " lost " + MAX_ATTEMPTS + " races in a row");
    }

    private void checkRegistering() {
        if (!settings.allowRegisterDuringNetsplit() && directory.view().netsplit() == NetsplitState.MINORITY) {
            throw unavailable();
        }
    }

    @Override
    public CompletionStage<Optional<Owner>> owner(SubscriberId id) {
        return async(() -> Optional.ofNullable(owners.get(key(id))).map(OwnerValue::decode));
    }

    @Override
    public CompletionStage<Optional<IncomingSession>> takeOver(Claim claim, boolean cleanStart) {
        if (!claim.takesOverFromAnotherNode() || !directory.view().contains(claim.previous().get().node())) {
            // No other node held it, or it is gone: its sessions are unavailable until it returns.
            return isCurrent(claim).thenApply(current -> {
                if (!current) {
                    throw stale(claim);
                }
                return Optional.empty();
            });
        }
        ByteBuf body = Unpooled.buffer();
        SessionStateCodec.writeClaim(body, claim);
        body.writeBoolean(cleanStart);
        String from = claim.previous().get().node();
        return plane.request(from, OP_TAKEOVER, bytes(body)).thenApply(answer -> {
            if (answer.length == 0) {
                return Optional.<IncomingSession>empty();
            }
            ByteBuf in = Unpooled.wrappedBuffer(answer);
            long transfer = in.readLong();
            SessionState head = SessionStateCodec.read(in, System.nanoTime());
            return Optional.of(transfers.incoming(from, transfer, head, Transfers.readFirstPage(in)));
        });
    }

    /** The old owner's side of a takeover: checks the claim is current, then gives the session up. */
    private CompletionStage<byte[]> takeoverRequested(String from, ByteBuf body) {
        Claim claim = SessionStateCodec.readClaim(body);
        boolean cleanStart = body.readBoolean();
        return async(() -> {
            if (!claim.owner().node().equals(from) || !current(claim)) {
                throw stale(claim);
            }
            dropUpTo(claim.id(), claim.epoch());
            return claim;
        }).thenCompose(c -> {
            TakeoverHandler h = handler;
            return h == null ? CompletableFuture.completedFuture(Optional.<OutgoingSession>empty())
                    : h.surrender(c.id(), c, cleanStart);
        }).thenApply(session -> {
            if (session.isEmpty()) {
                return new byte[0];
            }
            ByteBuf out = Unpooled.buffer();
            long transfer = transfers.outgoing(from, claim, true, session.get());
            out.writeLong(transfer);
            SessionStateCodec.write(out, session.get().head(), System.nanoTime());
            transfers.firstPage(transfer, out);
            return bytes(out);
        });
    }

    /**
     * A move the new owner stopped asking about: for a takeover, this node claims the client id
     * back (only if the new owner's claim is still the current one) and keeps the session.
     */
    private void giveUp(Transfers.Outgoing t) {
        // A takeover: the entry names the new owner under its claim (if the new owner is the one that gave
        // up, it left the entry as it was). A hand-over: the entry names the target at the next epoch.
        // Either way this node claims it back above that, unless another claim came meanwhile.
        settle(t.claim().id(), t.takeover() ? t.claim().owner() : new Owner(t.to(), t.claim().epoch() + 1),
                t.session(), "moving " + t.claim().id().clientId() + " to " + t.to() + " was given up (" + t.why() + ")", 0);
    }

    /**
     * Keeps {@code session} here under a claim above {@code theirs}, or drops it if another claim
     * came meanwhile. While the owner registry cannot say (a degraded cache, as right after the
     * node it moved to crashed), the session stays sealed here and this is tried again: dropping
     * it then could lose the only copy.
     */
    private void settle(SubscriberId id, Owner theirs, OutgoingSession session, String what, int attempt) {
        Optional<Claim> back;
        try {
            back = claimBack(id, theirs);
        } catch (RuntimeException e) {
            if (attempt == 0) {
                LOG.warn("{}; the owner registry cannot say who holds it now ({}): the session stays here, sealed,"
                        + " and this is tried again every {} ms", what, e.getClass().getSimpleName(), SETTLE_RETRY_MILLIS);
            }
            try {
                CompletableFuture.delayedExecutor(SETTLE_RETRY_MILLIS, TimeUnit.MILLISECONDS, workers)
                        .execute(() -> settle(id, theirs, session, what, attempt + 1));
            } catch (RejectedExecutionException stopping) {
                // This node is stopping: the session stays in its store.
            }
            return;
        }
        LOG.warn("{}; {}", what, back.isPresent() ? "it stays on this node" : "another node owns it now, this copy is dropped");
        session.abandoned(back);
    }

    /** {@code node} left the view: the sessions moving to it stay here ({@link Transfers#peerGone}). */
    public void peerGone(String node) {
        transfers.peerGone(node);
    }

    @Override
    public CompletionStage<Boolean> release(Claim claim) {
        return async(() -> {
            // Released or not (a later claim took it), this node no longer holds this claim.
            held.remove(claim.id(), claim.owner());
            return owners.remove(key(claim.id()), OwnerValue.encode(claim.owner()));
        });
    }

    @Override
    public CompletionStage<Claim> transfer(Claim claim, String to, OutgoingSession session) {
        return async(() -> {
            if (!directory.view().contains(to) || to.equals(self)) {
                throw new ClusterException(ClusterException.Reason.UNREACHABLE, "node " + to + " is not a peer in the view");
            }
            Owner next = new Owner(to, claim.epoch() + 1);
            if (!owners.replace(key(claim.id()), OwnerValue.encode(claim.owner()), OwnerValue.encode(next))) {
                throw stale(claim);
            }
            held.remove(claim.id(), claim.owner());
            return new Claim(claim.id(), next, Optional.of(claim.owner()));
        }).thenCompose(adopted -> {
            long transfer = transfers.outgoing(to, claim, false, session);
            ByteBuf body = Unpooled.buffer();
            SessionStateCodec.writeClaim(body, adopted);
            body.writeLong(transfer);
            SessionStateCodec.write(body, session.head(), System.nanoTime());
            // The target reads the queue meanwhile; it answers once it has written and committed it all.
            return plane.request(to, OP_ADOPT, bytes(body), transfers.idleTimeout().multipliedBy(30)).handle((ok, e) -> {
                if (e == null) {
                    return adopted;
                }
                if (transfers.drop(transfer)) {
                    // The target did not commit it: the session stays here, under a claim above the target's.
                    settle(claim.id(), adopted.owner(), session, "handing " + claim.id().clientId() + " to " + to
                            + " failed (" + (e.getCause() == null ? e : e.getCause()).getMessage() + ")", 0);
                }
                throw e instanceof RuntimeException r ? r : new ClusterException(ClusterException.Reason.REFUSED, e.toString());
            });
        });
    }

    /** The receiving side of a hand-over: the claim must name this node and be current. */
    private CompletionStage<byte[]> adoptRequested(String from, ByteBuf body) {
        Claim claim = SessionStateCodec.readClaim(body);
        long transfer = body.readLong();
        SessionState state = SessionStateCodec.read(body, System.nanoTime());
        return async(() -> {
            if (!claim.owner().node().equals(self) || !current(claim) || !state.id().equals(claim.id())) {
                throw stale(claim);
            }
            held.put(claim.id(), claim.owner());
            return claim;
        }).thenCompose(c -> {
            TakeoverHandler h = handler;
            if (h == null) {
                throw new ClusterException(ClusterException.Reason.REFUSED, "node " + self + " takes no sessions yet");
            }
            return h.adopt(c, transfers.incoming(from, transfer, state, Optional.empty()));
        }).thenApply(v -> new byte[0]);
    }

    @Override
    public CompletionStage<Boolean> isCurrent(Claim claim) {
        return async(() -> current(claim));
    }

    @Override
    public Registration onTakeover(TakeoverHandler h) {
        handler = h;
        return () -> handler = null;
    }

    /**
     * Puts back the entries of claims this node holds that the cache lost; after a merge also
     * gives up the sessions whose entry the other side's claim took (only with
     * {@code allow_register_during_netsplit: true} can both sides have claimed). Not
     * periodically: between a claim and its takeover request the entry names the new owner
     * already, and that session must wait for the request that carries its state away.
     *
     * <p>Only a claim this node still holds is put back: a claim it has seen superseded (an
     * entry of another claim, a takeover, a release or a move) is no longer held, so a
     * superseded epoch is never written again once the entry of the newer one is gone.
     */
    public void reconcile(boolean afterMerge) {
        for (Map.Entry<SubscriberId, Owner> e : held.entrySet()) {
            try {
                String key = key(e.getKey());
                String mine = OwnerValue.encode(e.getValue());
                String current = owners.get(key);
                if (current == null) {
                    // A release drops the claim from held before it removes the entry: if it did so meanwhile, the
                    // entry written here is taken back, whichever came first.
                    if (held.get(e.getKey()) == e.getValue() && owners.putIfAbsent(key, mine) == null
                            && held.get(e.getKey()) != e.getValue()) {
                        owners.remove(key, mine);
                    }
                } else if (current.equals(mine) || OwnerValue.decode(current).epoch() < e.getValue().epoch()) {
                    // Still this claim, or this node's claim is being written (the merge keeps the highest epoch).
                    continue;
                } else if (!afterMerge) {
                    // A later claim took it: the takeover request (if any) carries the session away, not this.
                    held.remove(e.getKey(), e.getValue());
                } else {
                    Owner winner = OwnerValue.decode(current);
                    if (held.remove(e.getKey(), e.getValue())) {
                        LOG.info("client {} is held by {} at epoch {} after the merge: closing it here",
                                e.getKey().clientId(), winner.node(), winner.epoch());
                        TakeoverHandler h = handler;
                        if (h != null) {
                            h.surrender(e.getKey(), new Claim(e.getKey(), winner, Optional.of(e.getValue())), false);
                        }
                    }
                }
            } catch (AvailabilityException ex) {
                return;
            } catch (RuntimeException ex) {
                LOG.debug("reconciling the owner of {} failed: {}", e.getKey().clientId(), ex.toString());
            }
        }
    }

    /** Records a claim of this node; a claim never replaces a held one of a higher epoch. */
    private void hold(SubscriberId id, Owner claim) {
        held.merge(id, claim, (had, next) -> next.epoch() >= had.epoch() ? next : had);
    }

    /** Forgets this node's claim on {@code id} if it is not above {@code epoch}: a newer claim holds it now. */
    private void dropUpTo(SubscriberId id, long epoch) {
        held.computeIfPresent(id, (k, had) -> had.epoch() <= epoch ? null : had);
    }

    /**
     * Claims {@code id} back for this node above {@code theirs}, the entry a move given up left;
     * empty if another claim replaced that entry meanwhile (this copy is stale then); throws if the
     * owner cache cannot say.
     */
    private Optional<Claim> claimBack(SubscriberId id, Owner theirs) {
        Owner back = new Owner(self, theirs.epoch() + 1);
        hold(id, back);
        boolean won = false;
        try {
            won = owners.replace(key(id), OwnerValue.encode(theirs), OwnerValue.encode(back));
            return won ? Optional.of(new Claim(id, back, Optional.of(theirs))) : Optional.empty();
        } finally {
            if (!won) {
                held.remove(id, back);
            }
        }
    }

    private boolean current(Claim claim) {
        return OwnerValue.encode(claim.owner()).equals(owners.get(key(claim.id())));
    }

    private static String key(SubscriberId id) {
        return Keys.of(id.mountpoint(), id.clientId());
    }

    private ClusterException unavailable() {
        return new ClusterException(ClusterException.Reason.UNAVAILABLE,
                "node " + self + " is on the minority side of a netsplit: registration is not allowed");
    }

    private static ClusterException stale(Claim claim) {
        return new ClusterException(ClusterException.Reason.STALE_CLAIM,
                "claim of " + claim.id().clientId() + " at epoch " + claim.epoch() + " by " + claim.owner().node()
                        + " is no longer current");
    }

    private <T> CompletableFuture<T> async(Supplier<T> work) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return work.get();
            } catch (AvailabilityException e) {
                throw unavailable();
            } catch (ClusterException e) {
                throw e;
            } catch (CacheException e) {
                throw new ClusterException(ClusterException.Reason.UNAVAILABLE,
                        "the owner registry is not available: " + e.getClass().getSimpleName());
            }
        }, workers);
    }

    private static byte[] bytes(ByteBuf b) {
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        return out;
    }
}
