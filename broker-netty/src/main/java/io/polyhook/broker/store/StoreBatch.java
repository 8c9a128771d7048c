package io.polyhook.broker.store;

import io.polyhook.spi.SubscriberId;
import io.polyhook.spi.TopicSubscription;

import java.util.concurrent.CompletionStage;

/**
 * Changes that become visible and durable together, or not at all: for example a QoS 2 message
 * appended to every subscriber's queue and its packet id recorded as received, so that a crash
 * neither loses nor duplicates it. Used by one thread; closing a batch that was not committed
 * discards it.
 *
 * <p>Methods that read ({@link #append}'s limits, the removals, {@link #moveToInFlight},
 * {@link #releaseInFlight}) see what was committed before, not earlier changes of this batch, with
 * one exception: the session of {@link #putSession} can take subscriptions, in-flight entries,
 * inbound ids and a will in the same batch. Changes to a session the store does not hold are
 * ignored (it was removed meanwhile), and appends to it return {@link Appended#NO_SESSION}.
 *
 * <p>A session's queue is appended to by any thread; its messages are removed by one thread at
 * a time, the owner of the session (its connection), except the drops of {@link QueueLimits}.
 */
public interface StoreBatch extends AutoCloseable {

    /** Creates or updates a session's record. */
    void putSession(StoredSession session);

    /** Removes a session with everything it has: subscriptions, queue, in-flight state, inbound ids, will. */
    void removeSession(SubscriberId id);

    /** Adds or replaces the session's subscription to {@code subscription.filter()}. */
    void putSubscription(SubscriberId id, TopicSubscription subscription);

    /** Removes the session's subscription to {@code filter}. */
    void removeSubscription(SubscriberId id, String filter);

    /**
     * Appends {@code message} to the session's queue, dropping its oldest messages beyond
     * {@code limits}. The sequence number and the drops are decided now; if the batch is then
     * discarded or fails, they are undone.
     */
    Appended append(SubscriberId id, StoredMessage message, QueueLimits limits);

    /** Removes one queued message (sent as QoS 0, expired, or acknowledged); whether it was there. */
    boolean removeQueued(SubscriberId id, long seq);

    /**
     * {@link #removeQueued(SubscriberId, long)} of a message whose stored form the store handed out
     * with it ({@link Appended#stored()}, {@link QueuedMessage#stored()}; null if none): a store may
     * take what it needs (its weight) from that form instead of reading the message back.
     */
    default boolean removeQueued(SubscriberId id, long seq, Object stored) {
        return removeQueued(id, seq);
    }

    /** Removes every queued message up to and including {@code seq} (the head of the queue); how many. */
    long removeQueuedThrough(SubscriberId id, long seq);

    /**
     * The queued message {@code seq} goes out as {@code packetId}: removes it from the queue and
     * records it in flight ({@link InFlightStage#SENT}) at once, so that a crash cannot leave it in
     * both places. Whether it was queued.
     */
    boolean moveToInFlight(SubscriberId id, long seq, int packetId);

    /**
     * {@link #moveToInFlight(SubscriberId, long, int)} of a message whose stored form the store
     * handed out with it ({@link Appended#stored()}, {@link QueuedMessage#stored()}; null if none):
     * a store may write its in-flight record from that form instead of reading the message back.
     */
    default boolean moveToInFlight(SubscriberId id, long seq, int packetId, Object stored) {
        return moveToInFlight(id, seq, packetId);
    }

    /** Records a message sent live as {@code packetId}, not acknowledged yet ({@link InFlightStage#SENT}). */
    void putInFlight(SubscriberId id, int packetId, StoredMessage message);

    /** QoS 2: the client's PUBREC came, PUBREL was sent ({@link InFlightStage#RELEASED}); whether the entry was there. */
    boolean releaseInFlight(SubscriberId id, int packetId);

    /** PUBACK or PUBCOMP: the message is done. */
    void removeInFlight(SubscriberId id, int packetId);

    /** A QoS 2 PUBLISH of the client with {@code packetId} was received (and routed). */
    void putInboundQos2(SubscriberId id, int packetId);

    /** The client's PUBREL for {@code packetId} came. */
    void removeInboundQos2(SubscriberId id, int packetId);

    /** Sets the retained message of {@code message.topic()} in {@code mountpoint}. */
    void putRetained(String mountpoint, StoredMessage message);

    /** Clears the retained message of {@code topic} in {@code mountpoint}. */
    void removeRetained(String mountpoint, String topic);

    /** Keeps the session's will until its delay ends, replacing one kept before. */
    void putWill(SubscriberId id, StoredWill will);

    /** The will was published or cancelled. */
    void removeWill(SubscriberId id);

    /** Stores {@code value} under {@code key} in the persistent kv table {@code table}. */
    void putKv(String table, String key, byte[] value);

    /** Removes {@code key} from the persistent kv table {@code table}. */
    void removeKv(String table, String key);

    /** Removes every key of the persistent kv table {@code table}. */
    void dropKvTable(String table);

    /**
     * Applies the changes atomically; returns once they are in the write-ahead log. The stage
     * completes once they are as durable as the sync mode promises: only then may the broker
     * acknowledge them. A batch commits once.
     *
     * @throws StoreException if the changes could not be written (nothing of them was)
     */
    CompletionStage<Void> commit();

    /** Discards the changes if they were not committed. */
    @Override
    void close();
}
