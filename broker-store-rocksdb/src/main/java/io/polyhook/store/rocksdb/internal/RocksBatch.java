package io.polyhook.store.rocksdb.internal;

import io.polyhook.broker.store.Appended;
import io.polyhook.broker.store.InFlightStage;
import io.polyhook.broker.store.QueueLimits;
import io.polyhook.broker.store.StoreBatch;
import io.polyhook.broker.store.StoreException;
import io.polyhook.broker.store.StoredMessage;
import io.polyhook.broker.store.StoredSession;
import io.polyhook.broker.store.StoredWill;
import io.polyhook.broker.store.QueueLedger;
import io.polyhook.spi.SubscriberId;
import io.polyhook.spi.TopicSubscription;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * One {@link StoreBatch} as one RocksDB {@link WriteBatch}: one write-ahead log record, applied
 * atomically. Queue decisions (sequence numbers, drops, removals) are taken from the sessions'
 * ledgers while the batch is built, and settled or undone when it commits or is discarded; the
 * queue-size counters are merged once per session and batch.
 */
public final class RocksBatch implements StoreBatch {

    private static final byte[] NOTHING = new byte[0];

    private enum State { OPEN, COMMITTED, DISCARDED }

    private final Database d;
    private final WriteBatch wb;
    // Sessions this batch created (a slot) or removed (null), seen by its later changes.
    private final Map<SubscriberId, SessionSlot> local = new HashMap<>(2);
    private final List<Map.Entry<SubscriberId, SessionSlot>> removed = new ArrayList<>(0);
    private final List<Runnable> settle = new ArrayList<>(2);
    private final List<Runnable> undo = new ArrayList<>(2);
    // Queue-size changes by session number: {messages, bytes}.
    private final Map<Long, long[]> sizes = new HashMap<>(2);
    private State state = State.OPEN;

    /** A new batch on {@code d}, which stays open for it until it commits or is closed. */
    public RocksBatch(Database d) {
        d.enter();
        this.d = d;
        this.wb = new WriteBatch();
    }

    /** The session as this batch sees it: created or removed here, else as committed. */
    private SessionSlot slot(SubscriberId id) {
        return local.containsKey(id) ? local.get(id) : d.sessions().get(id);
    }

    /** A session whose queue this batch may change: committed before, not removed here. */
    private SessionSlot queueSlot(SubscriberId id) {
        return local.containsKey(id) ? null : d.sessions().get(id);
    }

    private void size(long no, long messages, long bytes) {
        long[] s = sizes.computeIfAbsent(no, n -> new long[2]);
        s[0] += messages;
        s[1] += bytes;
    }

    @Override
    public void putSession(StoredSession session) {
        open();
        SessionSlot s = slot(session.id());
        if (s == null) {
            s = d.newSlot();
            local.put(session.id(), s);
        }
        put(Column.SESSIONS, Keys.session(s.no()), Records.session(session));
    }

    @Override
    public void removeSession(SubscriberId id) {
        open();
        SessionSlot s = slot(id);
        if (s == null) {
            return;
        }
        try {
            RangeDeletes.session(d, wb, s.no());
        } catch (RocksDBException e) {
            throw Failures.of(d.folder(), "building a batch", e);
        }
        if (!local.containsKey(id)) {
            removed.add(Map.entry(id, s));
        }
        local.put(id, null);
    }

    @Override
    public void putSubscription(SubscriberId id, TopicSubscription subscription) {
        SessionSlot s = slot(id);
        if (s != null) {
            put(Column.SUBSCRIPTIONS, Keys.subscription(s.no(), subscription.filter()), Records.subscription(subscription));
        }
    }

    @Override
    public void removeSubscription(SubscriberId id, String filter) {
        SessionSlot s = slot(id);
        if (s != null) {
            delete(Column.SUBSCRIPTIONS, Keys.subscription(s.no(), filter));
        }
    }

    @Override
    public Appended append(SubscriberId id, StoredMessage message, QueueLimits limits) {
        open();
        SessionSlot s = queueSlot(id);
        if (s == null) {
            return Appended.NO_SESSION;
        }
        int weight = message.weight();
        byte[] value = Records.queued(message, weight);
        QueueLedger.Admission a = s.ledger().admit(weight, limits, s.queue());
        if (a == null) {
            return Appended.NO_SESSION;
        }
        for (QueueLedger.Slot dropped : a.dropped()) {
            delete(Column.QUEUES, Keys.queued(s.no(), dropped.seq()));
            size(s.no(), -1, -dropped.weight());
        }
        if (a.seq() >= 0) {
            put(Column.QUEUES, Keys.queued(s.no(), a.seq()), value);
            size(s.no(), 1, a.weight());
        }
        settle.add(() -> s.ledger().settle(a));
        undo.add(() -> s.ledger().undo(a));
        // The value goes back to the caller: when the message goes out, its in-flight record is made from it, no read.
        return new Appended(a.seq(), a.droppedCount(), a.seq() >= 0 ? value : null);
    }

    @Override
    public boolean removeQueued(SubscriberId id, long seq) {
        return removeQueued(id, seq, null);
    }

    @Override
    public boolean removeQueued(SubscriberId id, long seq, Object stored) {
        open();
        return takeQueued(queueSlot(id), seq, stored instanceof byte[] b ? b : null) != null;
    }

    /**
     * Reserves and deletes queued message {@code seq}; its record, or null if it is not queued.
     * With {@code known}, its record as this store handed it out, nothing is read: the ledger
     * alone says whether it is still queued (only the owner removes single messages, and every
     * other removal, drop or session removal is in the ledger before its batch is written).
     */
    private byte[] takeQueued(SessionSlot s, long seq, byte[] known) {
        if (s == null || seq < 0) {
            return null;
        }
        byte[] key = Keys.queued(s.no(), seq);
        byte[] value = known != null ? known : d.get(Column.QUEUES, key);
        if (value == null) {
            return null;
        }
        int w = s.ledger().reserveRemoval(seq, Records.queuedWeight(value));
        if (w < 0) {
            return null;
        }
        delete(Column.QUEUES, key);
        size(s.no(), -1, -w);
        settle.add(() -> s.ledger().settleRemoval(seq));
        undo.add(() -> s.ledger().undoRemoval(seq, w));
        return value;
    }

    @Override
    public long removeQueuedThrough(SubscriberId id, long seq) {
        open();
        SessionSlot s = queueSlot(id);
        QueueLedger.HeadRemoval r = s == null ? null : s.ledger().reserveThrough(seq, s.queue());
        if (r == null) {
            return 0;
        }
        try {
            wb.deleteRange(d.handle(Column.QUEUES), Keys.queued(s.no(), r.from()), Keys.queued(s.no(), r.to()));
        } catch (RocksDBException e) {
            s.ledger().undo(r);
            throw Failures.of(d.folder(), "building a batch", e);
        }
        size(s.no(), -r.messages(), -r.bytes());
        undo.add(() -> s.ledger().undo(r));
        return r.messages();
    }

    @Override
    public boolean moveToInFlight(SubscriberId id, long seq, int packetId) {
        return moveToInFlight(id, seq, packetId, null);
    }

    @Override
    public boolean moveToInFlight(SubscriberId id, long seq, int packetId, Object stored) {
        open();
        SessionSlot s = queueSlot(id);
        byte[] value = takeQueued(s, seq, stored instanceof byte[] b ? b : null);
        if (value == null) {
            return false;
        }
        put(Column.IN_FLIGHT, Keys.packet(s.no(), packetId), Records.inFlightFromQueued(InFlightStage.SENT, value));
        return true;
    }

    @Override
    public void putInFlight(SubscriberId id, int packetId, StoredMessage message) {
        SessionSlot s = slot(id);
        if (s != null) {
            put(Column.IN_FLIGHT, Keys.packet(s.no(), packetId), Records.inFlight(InFlightStage.SENT, message));
        }
    }

    @Override
    public boolean releaseInFlight(SubscriberId id, int packetId) {
        SessionSlot s = slot(id);
        if (s == null) {
            return false;
        }
        byte[] key = Keys.packet(s.no(), packetId);
        byte[] value = d.get(Column.IN_FLIGHT, key);
        if (value == null) {
            return false;
        }
        put(Column.IN_FLIGHT, key, Records.withStage(value, InFlightStage.RELEASED));
        return true;
    }

    @Override
    public void removeInFlight(SubscriberId id, int packetId) {
        SessionSlot s = slot(id);
        if (s != null) {
            delete(Column.IN_FLIGHT, Keys.packet(s.no(), packetId));
        }
    }

    @Override
    public void putInboundQos2(SubscriberId id, int packetId) {
        SessionSlot s = slot(id);
        if (s != null) {
            put(Column.INBOUND_QOS2, Keys.packet(s.no(), packetId), NOTHING);
        }
    }

    @Override
    public void removeInboundQos2(SubscriberId id, int packetId) {
        SessionSlot s = slot(id);
        if (s != null) {
            delete(Column.INBOUND_QOS2, Keys.packet(s.no(), packetId));
        }
    }

    @Override
    public void putRetained(String mountpoint, StoredMessage message) {
        put(Column.RETAINED, Keys.named(mountpoint, message.topic()), Records.message(message));
    }

    @Override
    public void removeRetained(String mountpoint, String topic) {
        delete(Column.RETAINED, Keys.named(mountpoint, topic));
    }

    @Override
    public void putWill(SubscriberId id, StoredWill will) {
        SessionSlot s = slot(id);
        if (s != null) {
            put(Column.WILLS, Keys.session(s.no()), Records.will(will));
        }
    }

    @Override
    public void removeWill(SubscriberId id) {
        SessionSlot s = slot(id);
        if (s != null) {
            delete(Column.WILLS, Keys.session(s.no()));
        }
    }

    @Override
    public void putKv(String table, String key, byte[] value) {
        put(Column.KV, Keys.named(table, key), value.clone());
    }

    @Override
    public void removeKv(String table, String key) {
        delete(Column.KV, Keys.named(table, key));
    }

    @Override
    public void dropKvTable(String table) {
        open();
        byte[] from = Keys.named(table, "");
        try {
            wb.deleteRange(d.handle(Column.KV), from, Keys.prefixEnd(from));
        } catch (RocksDBException e) {
            throw Failures.of(d.folder(), "building a batch", e);
        }
    }

    @Override
    public CompletionStage<Void> commit() {
        if (state != State.OPEN) {
            throw new IllegalStateException("a batch commits once");
        }
        try {
            for (var e : sizes.entrySet()) {
                long[] s = e.getValue();
                if (s[0] != 0) {
                    wb.merge(d.handle(Column.QUEUE_SIZES), Keys.counter(e.getKey(), 'n'), Counters.delta(s[0]));
                }
                if (s[1] != 0) {
                    wb.merge(d.handle(Column.QUEUE_SIZES), Keys.counter(e.getKey(), 'b'), Counters.delta(s[1]));
                }
            }
            if (wb.count() > 0) {
                long start = System.nanoTime();
                d.db().write(d.writeOptions(), wb);
                d.wrote(System.nanoTime() - start);
                d.syncer().written();
            }
            state = State.COMMITTED;
            for (var e : removed) {
                if (d.sessions().remove(e.getKey(), e.getValue())) {
                    e.getValue().ledger().close();
                }
            }
            local.forEach((id, s) -> {
                if (s != null) {
                    d.sessions().put(id, s);
                }
            });
            settle.forEach(Runnable::run);
            return d.syncer().durable();
        } catch (RocksDBException e) {
            discard();
            throw Failures.of(d.folder(), "writing", e);
        } catch (RuntimeException e) {
            discard();
            throw e;
        } finally {
            wb.close();
            d.exit();
        }
    }

    @Override
    public void close() {
        if (state == State.OPEN) {
            discard();
            wb.close();
            d.exit();
        }
    }

    private void discard() {
        if (state == State.OPEN) {
            state = State.DISCARDED;
            undo.forEach(Runnable::run);
        }
    }

    private void open() {
        if (state != State.OPEN) {
            throw new IllegalStateException("the batch was " + state.name().toLowerCase() + " already");
        }
    }

    private void put(Column c, byte[] key, byte[] value) {
        open();
        try {
            wb.put(d.handle(c), key, value);
        } catch (RocksDBException e) {
            throw Failures.of(d.folder(), "building a batch", e);
        }
    }

    private void delete(Column c, byte[] key) {
        open();
        try {
            wb.delete(d.handle(c), key);
        } catch (RocksDBException e) {
            throw Failures.of(d.folder(), "building a batch", e);
        }
    }
}
