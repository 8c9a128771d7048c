package io.polyhook.broker.store;

/** The order in which a queue is read: {@code queue_type} fifo or lifo. */
public enum QueueOrder {
    /** Oldest first (fifo): pages continue after the cursor, the highest sequence number read so far. */
    OLDEST_FIRST,
    /** Newest first (lifo): pages continue before the cursor, the lowest sequence number read so far. */
    NEWEST_FIRST;

    /** The cursor that reads from the start of the queue in this order. */
    public long start() {
        return this == OLDEST_FIRST ? -1 : Long.MAX_VALUE;
    }
}
