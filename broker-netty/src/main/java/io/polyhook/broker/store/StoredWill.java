package io.polyhook.broker.store;

import java.util.Objects;

/**
 * A will message waiting for its delay interval (MQTT 5 §3.1.3.2.2).
 *
 * @param message         the will message
 * @param publishAtMillis when it is due, in milliseconds since the epoch
 */
public record StoredWill(StoredMessage message, long publishAtMillis) {

    /** Checks the message is present. */
    public StoredWill {
        Objects.requireNonNull(message, "message");
    }
}
