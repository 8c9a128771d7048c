package io.polyhook.broker.store;

/**
 * The bound of one session's queue. An append beyond it drops the oldest queued messages (the
 * broker's policy for offline queues) until the new one fits; a queue always has room for one
 * message, however large. Drops are counted in {@link Appended#dropped()}.
 *
 * @param maxMessages how many messages the queue holds at most; 0 refuses every message
 * @param maxBytes    how much their {@link StoredMessage#weight()} may add up to; 0 for no byte limit
 */
public record QueueLimits(int maxMessages, long maxBytes) {

    /** No limit at all (for tests and tools). */
    public static final QueueLimits NONE = new QueueLimits(Integer.MAX_VALUE, 0);

    /** Checks the limits are not negative. */
    public QueueLimits {
        if (maxMessages < 0 || maxBytes < 0) {
            throw new IllegalArgumentException("queue limits must not be negative: " + maxMessages + ", " + maxBytes);
        }
    }

    /** At most {@code maxMessages}, no byte limit. */
    public static QueueLimits messages(int maxMessages) {
        return new QueueLimits(maxMessages, 0);
    }
}
