package io.polyhook.broker.store;

/**
 * How much one queue holds.
 *
 * @param messages the number of messages
 * @param bytes    their {@link StoredMessage#weight()}, what the byte limits count
 */
public record QueueSize(long messages, long bytes) {

    /** An empty queue. */
    public static final QueueSize EMPTY = new QueueSize(0, 0);
}
