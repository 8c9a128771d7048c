package io.polyhook.broker.session;

import io.polyhook.broker.routing.RetainedStore;
import io.polyhook.broker.store.BrokerStore;
import io.polyhook.broker.store.InFlightEntry;
import io.polyhook.broker.store.InFlightStage;
import io.polyhook.broker.store.RecoveredSession;
import io.polyhook.broker.store.StoreBatch;
import io.polyhook.broker.store.StoredSession;
import io.polyhook.spi.SubscriberId;
import io.polyhook.spi.TopicSubscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The start-up of a broker with a durable store, before its listeners bind: every persistent
 * session comes back (identity, expiry, queue policy, subscriptions with their options and
 * identifiers, unacknowledged outgoing messages) into the registry and the subscription tree, and
 * the retained messages into the retained store; a session that expired while the broker was down
 * is removed and {@code on_session_expired} fires. Queued messages stay on disk: they are read in
 * pages when their session reconnects.
 */
public final class DurableRecovery {

    private static final Logger LOG = LoggerFactory.getLogger(DurableRecovery.class);
    private static final int CHUNK = 1024;

    private DurableRecovery() {
    }

    /**
     * Recovers into {@code registry} and {@code retained}, then has {@code retained} write its
     * changes to the store. Nothing to do without a durable store.
     *
     * @throws io.polyhook.broker.store.StoreException if a record cannot be read (the broker must not start)
     */
    public static void run(SessionRegistry registry, RetainedStore retained) {
        DurableSessions durable = registry.durable();
        if (!durable.enabled()) {
            return;
        }
        BrokerStore store = durable.store();
        long startMillis = System.currentTimeMillis();
        long nowNanos = System.nanoTime();
        List<SubscriberId> expired = new ArrayList<>();
        java.util.Set<String> incomplete = new java.util.HashSet<>();
        store.forEachKv(Adoption.MARKER_TABLE, (key, value) -> incomplete.add(key));
        List<SubscriberId> stale = new ArrayList<>();
        int[] counts = new int[2];
        // Sessions go to the cluster's ownership check in chunks: a round trip or two each, not one per session.
        List<RecoveredSession> chunk = new ArrayList<>(CHUNK);
        Runnable restoreChunk = () -> {
            Set<SubscriberId> elsewhere = registry.cluster().staleRecovered(chunk.stream().map(r -> r.session().id())
                    .toList());
            for (RecoveredSession r : chunk) {
                SubscriberId id = r.session().id();
                if (elsewhere.contains(id)) {
                    stale.add(id);
                } else if (r.session().isExpired(startMillis, startMillis)) {
                    expired.add(id);
                } else {
                    restore(registry, r, startMillis, nowNanos);
                    counts[0]++;
                }
            }
            chunk.clear();
        };
        store.recover(r -> {
            SubscriberId id = r.session().id();
            if (incomplete.contains(Adoption.markerKey(id))) {
                // Half written when this node stopped: the node it came from kept it.
                LOG.warn("session {} was still moving here when this node stopped: its partial copy is dropped", id);
                stale.add(id);
                return;
            }
            chunk.add(r);
            if (chunk.size() == CHUNK) {
                restoreChunk.run();
            }
        });
        if (!chunk.isEmpty()) {
            restoreChunk.run();
        }
        if (!stale.isEmpty() || !incomplete.isEmpty()) {
            try (StoreBatch b = store.batch()) {
                stale.forEach(b::removeSession);
                incomplete.forEach(k -> b.removeKv(Adoption.MARKER_TABLE, k));
                b.commit();
            }
        }
        if (!expired.isEmpty()) {
            try (StoreBatch b = store.batch()) {
                expired.forEach(b::removeSession);
                b.commit();
            }
            expired.forEach(registry.expiry()::expiredWhileDown);
            // Claimed again with the others above: an expired session holds its client id no longer.
            expired.forEach(registry.cluster()::released);
        }
        List<String[]> staleRetained = new ArrayList<>();
        store.forEachRetained((mountpoint, m) -> {
            if (m.isExpired(startMillis)) {
                staleRetained.add(new String[] {mountpoint, m.topic()});
            } else {
                retained.retain(mountpoint, m.toMessage(nowNanos, startMillis));
                counts[1]++;
            }
        });
        if (!staleRetained.isEmpty()) {
            try (StoreBatch b = store.batch()) {
                staleRetained.forEach(t -> b.removeRetained(t[0], t[1]));
                b.commit();
            }
        }
        retained.changes(durable);
        LOG.info("persistence: recovered {} sessions and {} retained messages ({} sessions had expired)", counts[0],
                counts[1], expired.size());
    }

    private static void restore(SessionRegistry registry, RecoveredSession r, long startMillis, long nowNanos) {
        StoredSession rec = r.session();
        Session s = registry.newSession(rec.id());
        s.restore(rec.version(), rec.expirySeconds());
        s.policy(rec.maxOfflineMessages(), rec.lastInFirstOut(), rec.upgradeQos());
        s.client(rec.username(), true);
        for (TopicSubscription sub : r.subscriptions()) {
            s.subscriptions.put(sub.filter(), sub);
        }
        List<InFlight> inflight = new ArrayList<>(r.inFlight().size());
        for (InFlightEntry e : r.inFlight()) {
            inflight.add(new InFlight(e.packetId(), e.message().toMessage(nowNanos, startMillis),
                    e.stage() == InFlightStage.RELEASED));
        }
        s.keepInFlight(inflight);
        s.inboundQos2(r.inboundQos2());
        long expiresIn = -1;
        if (rec.expirySeconds() != StoredSession.NEVER) {
            long since = rec.disconnectedAt().orElse(startMillis);
            expiresIn = Math.max(0, since + rec.expirySeconds() * 1000L - startMillis);
        }
        registry.restore(s, expiresIn);
        r.will().ifPresent(w -> {
            io.polyhook.broker.routing.Message will = w.message().toMessage(nowNanos, startMillis);
            long delaySeconds = Math.max(0, (w.publishAtMillis() - startMillis + 999) / 1000);
            registry.delayWill(s, delaySeconds, () -> registry.router().publish(rec.id().mountpoint(), will), will);
        });
    }
}
