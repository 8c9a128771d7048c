package io.polyhook.broker.store;

import java.util.Objects;

/**
 * One message of a session's queue with its position.
 *
 * @param seq     its sequence number in the queue: later messages have higher numbers
 * @param message the message
 */
public record QueuedMessage(long seq, StoredMessage message) {

    /** Checks the message is present. */
    public QueuedMessage {
        Objects.requireNonNull(message, "message");
    }
}
