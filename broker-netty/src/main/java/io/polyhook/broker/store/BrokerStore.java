package io.polyhook.broker.store;

import io.polyhook.spi.SubscriberId;

import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The broker's durable state: persistent sessions, their subscriptions, queues, in-flight QoS 1/2
 * state, inbound QoS 2 packet ids and delayed wills; retained messages; persistent script kv tables.
 *
 * <p><b>Writes</b> go through a {@link StoreBatch}: its changes become visible and durable together
 * when it commits. <b>Reads</b> see committed changes. Every method is thread-safe; a read or a
 * commit may block its caller for as long as the write-ahead log write takes (microseconds, longer
 * when the disk stalls), never for an fsync.
 *
 * <p><b>Acknowledgements.</b> {@link StoreBatch#commit()} returns once the changes are in the
 * write-ahead log (so a crash of the process loses none of them); the stage it returns, and
 * {@link #barrier()}, complete once they are as durable as the {@link io.polyhook.broker.config.SyncMode} promises. The
 * broker sends a PUBACK, PUBREC or a CONNACK with session present only after that stage completed.
 * Stages may complete on the store's own thread: continue on an event loop with {@code *Async}.
 *
 * <p><b>Queues</b> stay in the store, not the heap: they are read in pages ({@link #readQueue}),
 * and a million queued messages cost the store a few numbers per session, not a million objects.
 *
 * <p><b>Errors</b> are {@link StoreException}s with a one-line message naming the store's folder;
 * a failed commit changed nothing.
 */
public interface BrokerStore extends AutoCloseable {

    /** A new, empty set of changes. */
    StoreBatch batch();

    /**
     * Completes once every change committed before this call is as durable as the sync mode
     * promises (for a CONNACK with session present after changes made by other threads).
     */
    CompletionStage<Void> barrier();

    /**
     * Calls {@code each} with every session the store holds, in no particular order: the start-up
     * recovery. Expired sessions are handed over too; the broker removes them and fires its hooks.
     *
     * @throws StoreException ({@link StoreException.Kind#CORRUPT}) if a record cannot be read:
     *                        the broker must not start then rather than drop sessions silently
     */
    void recover(Consumer<RecoveredSession> each);

    /**
     * Up to {@code maxMessages} messages of the session's queue after {@code cursor} in
     * {@code order}: oldest first, those with a sequence number above the cursor; newest first,
     * below it. Start with {@link QueueOrder#start()}, continue with the last sequence number
     * read. Empty at the end of the queue, or if the store holds no such session.
     *
     * <p>Sequence numbers are handed out when a batch appends, and batches commit in any order,
     * so a message may become visible after one with a higher number was read. A drain that
     * removes what it reads should read each page from {@link QueueOrder#start()}: reads begin
     * at the first message still queued, not at the deleted head. Numbers increase within one
     * process; after a restart appends continue after the last queued message.
     */
    List<QueuedMessage> readQueue(SubscriberId id, QueueOrder order, long cursor, int maxMessages);

    /** What the session's queue holds, counting changes of batches not committed yet. */
    QueueSize queueSize(SubscriberId id);

    /**
     * Calls {@code each} with every retained message of {@code mountpoint} whose topic
     * {@code filter} matches (MQTT rules: wildcards do not match topics starting with {@code $}).
     */
    void retained(String mountpoint, String filter, Consumer<StoredMessage> each);

    /** Calls {@code each} with every retained message and its mountpoint: loading them at start-up. */
    void forEachRetained(BiConsumer<String, StoredMessage> each);

    /** Calls {@code each} with every key and value of a persistent kv table, keys in order. */
    void forEachKv(String table, BiConsumer<String, byte[]> each);

    /** The store's numbers for the broker's metrics. */
    StoreMetrics metrics();

    /**
     * From now on reports the latency of every commit and fsync to {@code latencies} (replacing
     * the one given before); a store that measures nothing ignores it.
     */
    default void reportLatencies(StoreLatencies latencies) {
    }

    /** Makes every committed change durable (an fsync) and releases the store and its folder. */
    @Override
    void close();
}
