package io.polyhook.broker.store;

/**
 * What an append did.
 *
 * @param seq     the sequence number of the new message, or -1 if it was not queued
 * @param dropped how many messages the queue's limits dropped: older ones to make room, or the
 *                new one itself when it could not fit (for the broker's drop counters)
 * @param stored  the store's own form of the queued message, opaque to callers, or null: handed
 *                back to {@link StoreBatch#moveToInFlight(io.polyhook.spi.SubscriberId, long, int, Object)}
 *                it spares the store reading the message back when it goes out
 */
public record Appended(long seq, int dropped, Object stored) {

    /** The session is not in the store (never was, or removed meanwhile): nothing was queued or dropped. */
    public static final Appended NO_SESSION = new Appended(-1, 0);

    /** What an append did, without a stored form to hand back. */
    public Appended(long seq, int dropped) {
        this(seq, dropped, null);
    }

    /** Whether the new message was queued. */
    public boolean queued() {
        return seq >= 0;
    }
}
