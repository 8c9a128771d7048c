package io.polyhook.broker.store;

import java.util.Objects;

/**
 * An outgoing QoS 1/2 message the client has not fully acknowledged.
 *
 * @param packetId the packet id it was sent with, 1..65535
 * @param stage    how far the exchange went
 * @param message  the message (kept in {@link InFlightStage#RELEASED} too, for the order of resends)
 */
public record InFlightEntry(int packetId, InFlightStage stage, StoredMessage message) {

    /** Checks the packet id and that stage and message are present. */
    public InFlightEntry {
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(message, "message");
        if (packetId < 1 || packetId > 65_535) {
            throw new IllegalArgumentException("packet id must be 1..65535, was " + packetId);
        }
    }
}
