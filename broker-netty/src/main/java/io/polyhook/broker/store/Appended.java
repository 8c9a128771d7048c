package io.polyhook.broker.store;

/**
 * What an append did.
 *
 * @param seq     the sequence number of the new message, or -1 if it was not queued
 * @param dropped how many messages the queue's limits dropped: older ones to make room, or the
 *                new one itself when it could not fit (for the broker's drop counters)
 */
public record Appended(long seq, int dropped) {

    /** The session is not in the store (never was, or removed meanwhile): nothing was queued or dropped. */
    public static final Appended NO_SESSION = new Appended(-1, 0);

    /** Whether the new message was queued. */
    public boolean queued() {
        return seq >= 0;
    }
}
