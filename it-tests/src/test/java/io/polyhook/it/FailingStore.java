package io.polyhook.it;

import io.polyhook.broker.store.Appended;
import io.polyhook.broker.store.BrokerStore;
import io.polyhook.broker.store.InMemoryBrokerStore;
import io.polyhook.broker.store.QueueLimits;
import io.polyhook.broker.store.QueueOrder;
import io.polyhook.broker.store.QueueSize;
import io.polyhook.broker.store.QueuedMessage;
import io.polyhook.broker.store.RecoveredSession;
import io.polyhook.broker.store.StoreBatch;
import io.polyhook.broker.store.StoreException;
import io.polyhook.broker.store.StoreMetrics;
import io.polyhook.broker.store.StoredMessage;
import io.polyhook.broker.store.StoredSession;
import io.polyhook.broker.store.StoredWill;
import io.polyhook.spi.SubscriberId;
import io.polyhook.spi.TopicSubscription;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * An in-memory store whose commits fail as on a full disk while {@link #failing} is set, and
 * whose commits' durability stages wait between {@link #holdDurability()} and
 * {@link #releaseDurability()} (an fsync that has not happened yet): what tests of write failures
 * and of acknowledgement timing run the broker on.
 */
final class FailingStore implements BrokerStore {

    private final InMemoryBrokerStore store = new InMemoryBrokerStore();
    volatile boolean failing;
    private volatile CompletableFuture<Void> durable;

    /** From now on a commit is written but not durable until {@link #releaseDurability()}. */
    void holdDurability() {
        durable = new CompletableFuture<>();
    }

    /** The held fsync happens: the commits since {@link #holdDurability()} are durable, later ones at once. */
    void releaseDurability() {
        CompletableFuture<Void> held = durable;
        durable = null;
        if (held != null) {
            held.complete(null);
        }
    }

    @Override
    public StoreBatch batch() {
        StoreBatch b = store.batch();
        return new StoreBatch() {
            @Override public void putSession(StoredSession s) { b.putSession(s); }
            @Override public void removeSession(SubscriberId id) { b.removeSession(id); }
            @Override public void putSubscription(SubscriberId id, TopicSubscription s) { b.putSubscription(id, s); }
            @Override public void removeSubscription(SubscriberId id, String f) { b.removeSubscription(id, f); }
            @Override public Appended append(SubscriberId id, StoredMessage m, QueueLimits l) { return b.append(id, m, l); }
            @Override public boolean removeQueued(SubscriberId id, long seq) { return b.removeQueued(id, seq); }
            @Override public long removeQueuedThrough(SubscriberId id, long seq) { return b.removeQueuedThrough(id, seq); }
            @Override public boolean moveToInFlight(SubscriberId id, long seq, int p) { return b.moveToInFlight(id, seq, p); }
            @Override public void putInFlight(SubscriberId id, int p, StoredMessage m) { b.putInFlight(id, p, m); }
            @Override public boolean releaseInFlight(SubscriberId id, int p) { return b.releaseInFlight(id, p); }
            @Override public void removeInFlight(SubscriberId id, int p) { b.removeInFlight(id, p); }
            @Override public void putInboundQos2(SubscriberId id, int p) { b.putInboundQos2(id, p); }
            @Override public void removeInboundQos2(SubscriberId id, int p) { b.removeInboundQos2(id, p); }
            @Override public void putRetained(String mp, StoredMessage m) { b.putRetained(mp, m); }
            @Override public void removeRetained(String mp, String t) { b.removeRetained(mp, t); }
            @Override public void putWill(SubscriberId id, StoredWill w) { b.putWill(id, w); }
            @Override public void removeWill(SubscriberId id) { b.removeWill(id); }
            @Override public void putKv(String t, String k, byte[] v) { b.putKv(t, k, v); }
            @Override public void removeKv(String t, String k) { b.removeKv(t, k); }
            @Override public void dropKvTable(String t) { b.dropKvTable(t); }
            @Override public void close() { b.close(); }

            @Override
            public CompletionStage<Void> commit() {
                if (failing) {
                    b.close();
                    throw new StoreException(StoreException.Kind.DISK_FULL, Path.of("/test/store"),
                            "the disk is full (writing failed, no space left): free space and restart the broker");
                }
                CompletionStage<Void> written = b.commit();
                CompletableFuture<Void> gate = durable;
                return gate == null ? written : written.thenCompose(v -> gate);
            }
        };
    }

    @Override public CompletionStage<Void> barrier() { return store.barrier(); }
    @Override public void recover(Consumer<RecoveredSession> each) { store.recover(each); }
    @Override public List<QueuedMessage> readQueue(SubscriberId id, QueueOrder o, long c, int max) {
        return store.readQueue(id, o, c, max);
    }
    @Override public QueueSize queueSize(SubscriberId id) { return store.queueSize(id); }
    @Override public void retained(String mp, String f, Consumer<StoredMessage> each) { store.retained(mp, f, each); }
    @Override public void forEachRetained(BiConsumer<String, StoredMessage> each) { store.forEachRetained(each); }
    @Override public void forEachKv(String t, BiConsumer<String, byte[]> each) { store.forEachKv(t, each); }
    @Override public StoreMetrics metrics() { return store.metrics(); }
    @Override public void close() { store.close(); }
}
