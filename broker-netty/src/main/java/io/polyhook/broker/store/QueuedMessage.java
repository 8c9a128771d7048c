package io.polyhook.broker.store;

import java.util.Objects;

/**
 * One message of a session's queue with its position.
 *
 * @param seq     its sequence number in the queue: later messages have higher numbers
 * @param message the message
 * @param stored  the store's own form of it, opaque to callers, or null (see {@link Appended#stored()})
 */
public record QueuedMessage(long seq, StoredMessage message, Object stored) {

    /** Checks the message is present. */
    public QueuedMessage {
        Objects.requireNonNull(message, "message");
    }

    /** A queued message without a stored form to hand back. */
    public QueuedMessage(long seq, StoredMessage message) {
        this(seq, message, null);
    }
}
