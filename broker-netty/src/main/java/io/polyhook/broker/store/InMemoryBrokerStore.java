package io.polyhook.broker.store;

import io.polyhook.broker.routing.SubscriptionTree;
import io.polyhook.spi.SubscriberId;
import io.polyhook.spi.TopicSubscription;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The store in the heap: for tests, and for {@code persistence.enabled: false}, where state lives
 * as long as the process. Same contract as the durable store except durability: every stage
 * completes at once. Commits are applied under one write lock, so readers see a batch whole or
 * not at all.
 */
public final class InMemoryBrokerStore implements BrokerStore {

    private static final CompletionStage<Void> DONE = CompletableFuture.completedFuture(null);

    private final Map<SubscriberId, Held> sessions = new ConcurrentHashMap<>();
    private final Map<String, NavigableMap<String, StoredMessage>> retained = new ConcurrentHashMap<>();
    private final Map<String, NavigableMap<String, byte[]>> kv = new ConcurrentHashMap<>();
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final QueueLedger.Totals totals = new QueueLedger.Totals();
    private final LongAdder writes = new LongAdder();
    private volatile StoreLatencies latencies = StoreLatencies.NONE;
    private volatile boolean closed;

    /** One session's state. Its fields are changed under the write lock only. */
    private static final class Held implements QueueLedger.Committed {
        StoredSession record;
        final Map<String, TopicSubscription> subscriptions = new ConcurrentHashMap<>();
        final NavigableMap<Long, StoredMessage> queue = new ConcurrentSkipListMap<>();
        final Map<Integer, InFlightEntry> inFlight = new ConcurrentHashMap<>();
        final Map<Integer, Boolean> inbound = new ConcurrentHashMap<>();
        StoredWill will;
        final QueueLedger ledger;

        Held(StoredSession record, QueueLedger ledger) {
            this.record = record;
            this.ledger = ledger;
        }

        @Override
        public QueueLedger.Slot firstAtOrAfter(long seq) {
            var e = queue.ceilingEntry(seq);
            return e == null ? null : new QueueLedger.Slot(e.getKey(), e.getValue().weight());
        }

        @Override
        public void forEachBetween(long from, long toInclusive, QueueLedger.SlotConsumer each) {
            queue.subMap(from, true, toInclusive, true).forEach((s, m) -> each.accept(s, m.weight()));
        }
    }

    @Override
    public StoreBatch batch() {
        checkOpen();
        return new Batch();
    }

    @Override
    public CompletionStage<Void> barrier() {
        return DONE;
    }

    @Override
    public void recover(Consumer<RecoveredSession> each) {
        checkOpen();
        List<RecoveredSession> all = new ArrayList<>();
        read(() -> sessions.values().forEach(h -> {
            List<InFlightEntry> inFlight = new ArrayList<>(h.inFlight.values());
            inFlight.sort(java.util.Comparator.comparingInt(InFlightEntry::packetId));
            List<Integer> inbound = new ArrayList<>(h.inbound.keySet());
            Collections.sort(inbound);
            all.add(new RecoveredSession(h.record, List.copyOf(h.subscriptions.values()), h.ledger.size(), inFlight,
                    inbound, Optional.ofNullable(h.will)));
        }));
        all.forEach(each);
    }

    @Override
    public List<QueuedMessage> readQueue(SubscriberId id, QueueOrder order, long cursor, int maxMessages) {
        checkOpen();
        Held h = sessions.get(id);
        if (h == null || maxMessages <= 0) {
            return List.of();
        }
        List<QueuedMessage> out = new ArrayList<>(Math.min(maxMessages, 256));
        read(() -> {
            NavigableMap<Long, StoredMessage> view = order == QueueOrder.OLDEST_FIRST
                    ? h.queue.tailMap(cursor, false) : h.queue.headMap(cursor, false).descendingMap();
            for (var e : view.entrySet()) {
                if (out.size() == maxMessages) {
                    break;
                }
                out.add(new QueuedMessage(e.getKey(), e.getValue()));
            }
        });
        return out;
    }

    @Override
    public QueueSize queueSize(SubscriberId id) {
        Held h = sessions.get(id);
        return h == null ? QueueSize.EMPTY : h.ledger.size();
    }

    @Override
    public void retained(String mountpoint, String filter, Consumer<StoredMessage> each) {
        checkOpen();
        List<StoredMessage> out = new ArrayList<>();
        read(() -> {
            var topics = retained.get(mountpoint);
            if (topics != null) {
                topics.forEach((topic, m) -> {
                    if (SubscriptionTree.matches(filter, topic)) {
                        out.add(m);
                    }
                });
            }
        });
        out.forEach(each);
    }

    @Override
    public void forEachRetained(BiConsumer<String, StoredMessage> each) {
        checkOpen();
        List<Map.Entry<String, StoredMessage>> out = new ArrayList<>();
        read(() -> retained.forEach((mp, topics) -> topics.values().forEach(m -> out.add(Map.entry(mp, m)))));
        out.forEach(e -> each.accept(e.getKey(), e.getValue()));
    }

    @Override
    public void forEachKv(String table, BiConsumer<String, byte[]> each) {
        checkOpen();
        List<Map.Entry<String, byte[]>> out = new ArrayList<>();
        read(() -> {
            var entries = kv.get(table);
            if (entries != null) {
                entries.forEach((k, v) -> out.add(Map.entry(k, v.clone())));
            }
        });
        out.forEach(e -> each.accept(e.getKey(), e.getValue()));
    }

    @Override
    public StoreMetrics metrics() {
        return new StoreMetrics(0, totals.messages(), totals.bytes(), writes.sum(), 0);
    }

    @Override
    public void reportLatencies(StoreLatencies value) {
        latencies = value;
    }

    @Override
    public void close() {
        closed = true;
    }

    private void checkOpen() {
        if (closed) {
            throw new StoreException(StoreException.Kind.CLOSED, java.nio.file.Path.of("(memory)"), "the store is closed");
        }
    }

    private void read(Runnable r) {
        lock.readLock().lock();
        try {
            r.run();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Changes kept as actions on the heap state, applied in order under the write lock at commit. */
    private final class Batch implements StoreBatch {
        private final List<Runnable> changes = new ArrayList<>();
        private final List<Runnable> settle = new ArrayList<>();
        private final List<Runnable> undo = new ArrayList<>();
        private boolean done;

        private Held held(SubscriberId id) {
            return sessions.get(id);
        }

        /** Applies {@code change} to the session's state at commit, if the session is there then. */
        private void onSession(SubscriberId id, Consumer<Held> change) {
            Objects.requireNonNull(id, "id");
            changes.add(() -> {
                Held h = held(id);
                if (h != null) {
                    change.accept(h);
                }
            });
        }

        @Override
        public void putSession(StoredSession session) {
            changes.add(() -> sessions.compute(session.id(), (id, h) -> {
                if (h == null) {
                    return new Held(session, QueueLedger.empty(totals));
                }
                h.record = session;
                return h;
            }));
        }

        @Override
        public void removeSession(SubscriberId id) {
            changes.add(() -> {
                Held h = sessions.remove(id);
                if (h != null) {
                    h.ledger.close();
                }
            });
        }

        @Override
        public void putSubscription(SubscriberId id, TopicSubscription subscription) {
            onSession(id, h -> h.subscriptions.put(subscription.filter(), subscription));
        }

        @Override
        public void removeSubscription(SubscriberId id, String filter) {
            onSession(id, h -> h.subscriptions.remove(filter));
        }

        @Override
        public Appended append(SubscriberId id, StoredMessage message, QueueLimits limits) {
            Held h = held(id);
            QueueLedger.Admission a = h == null ? null : h.ledger.admit(message.weight(), limits, h);
            if (a == null) {
                return Appended.NO_SESSION;
            }
            for (QueueLedger.Slot s : a.dropped()) {
                changes.add(() -> h.queue.remove(s.seq()));
            }
            if (a.seq() >= 0) {
                changes.add(() -> h.queue.put(a.seq(), message));
            }
            settle.add(() -> h.ledger.settle(a));
            undo.add(() -> h.ledger.undo(a));
            return new Appended(a.seq(), a.droppedCount());
        }

        @Override
        public boolean removeQueued(SubscriberId id, long seq) {
            return removeQueued(id, seq, null) != null;
        }

        private StoredMessage removeQueued(SubscriberId id, long seq, Consumer<StoredMessage> then) {
            Held h = held(id);
            StoredMessage m = h == null ? null : h.queue.get(seq);
            int w = m == null ? -1 : h.ledger.reserveRemoval(seq, m.weight());
            if (w < 0) {
                return null;
            }
            changes.add(() -> {
                h.queue.remove(seq);
                if (then != null) {
                    then.accept(m);
                }
            });
            settle.add(() -> h.ledger.settleRemoval(seq));
            undo.add(() -> h.ledger.undoRemoval(seq, w));
            return m;
        }

        @Override
        public long removeQueuedThrough(SubscriberId id, long seq) {
            Held h = held(id);
            QueueLedger.HeadRemoval r = h == null ? null : h.ledger.reserveThrough(seq, h);
            if (r == null) {
                return 0;
            }
            // Only what this batch reserved: a message another batch is removing stays its business.
            List<Long> seqs = new ArrayList<>();
            h.queue.subMap(r.from(), true, r.to(), false).keySet().forEach(seqs::add);
            changes.add(() -> h.queue.keySet().removeAll(seqs));
            undo.add(() -> h.ledger.undo(r));
            return r.messages();
        }

        @Override
        public boolean moveToInFlight(SubscriberId id, long seq, int packetId) {
            return removeQueued(id, seq, m -> {
                Held h = held(id);
                if (h != null) {
                    h.inFlight.put(packetId, new InFlightEntry(packetId, InFlightStage.SENT, m));
                }
            }) != null;
        }

        @Override
        public void putInFlight(SubscriberId id, int packetId, StoredMessage message) {
            InFlightEntry e = new InFlightEntry(packetId, InFlightStage.SENT, message);
            onSession(id, h -> h.inFlight.put(packetId, e));
        }

        @Override
        public boolean releaseInFlight(SubscriberId id, int packetId) {
            Held h = held(id);
            if (h == null || !h.inFlight.containsKey(packetId)) {
                return false;
            }
            onSession(id, x -> x.inFlight.computeIfPresent(packetId,
                    (p, e) -> new InFlightEntry(p, InFlightStage.RELEASED, e.message())));
            return true;
        }

        @Override
        public void removeInFlight(SubscriberId id, int packetId) {
            onSession(id, h -> h.inFlight.remove(packetId));
        }

        @Override
        public void putInboundQos2(SubscriberId id, int packetId) {
            onSession(id, h -> h.inbound.put(packetId, Boolean.TRUE));
        }

        @Override
        public void removeInboundQos2(SubscriberId id, int packetId) {
            onSession(id, h -> h.inbound.remove(packetId));
        }

        @Override
        public void putRetained(String mountpoint, StoredMessage message) {
            changes.add(() -> retained.computeIfAbsent(mountpoint, m -> new ConcurrentSkipListMap<>())
                    .put(message.topic(), message));
        }

        @Override
        public void removeRetained(String mountpoint, String topic) {
            changes.add(() -> {
                var topics = retained.get(mountpoint);
                if (topics != null) {
                    topics.remove(topic);
                }
            });
        }

        @Override
        public void putWill(SubscriberId id, StoredWill will) {
            onSession(id, h -> h.will = will);
        }

        @Override
        public void removeWill(SubscriberId id) {
            onSession(id, h -> h.will = null);
        }

        @Override
        public void putKv(String table, String key, byte[] value) {
            byte[] copy = value.clone();
            changes.add(() -> kv.computeIfAbsent(table, t -> new ConcurrentSkipListMap<>()).put(key, copy));
        }

        @Override
        public void removeKv(String table, String key) {
            changes.add(() -> {
                var entries = kv.get(table);
                if (entries != null) {
                    entries.remove(key);
                }
            });
        }

        @Override
        public void dropKvTable(String table) {
            changes.add(() -> kv.remove(table));
        }

        @Override
        public CompletionStage<Void> commit() {
            if (done) {
                throw new IllegalStateException("a batch commits once");
            }
            checkOpen();
            done = true;
            long start = System.nanoTime();
            lock.writeLock().lock();
            try {
                changes.forEach(Runnable::run);
            } finally {
                lock.writeLock().unlock();
            }
            settle.forEach(Runnable::run);
            writes.increment();
            latencies.write(System.nanoTime() - start);
            return DONE;
        }

        @Override
        public void close() {
            if (!done) {
                done = true;
                undo.forEach(Runnable::run);
            }
        }
    }
}
