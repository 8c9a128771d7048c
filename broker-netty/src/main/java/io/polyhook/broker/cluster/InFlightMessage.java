package io.polyhook.broker.cluster;

import io.polyhook.broker.routing.Message;

import java.util.Objects;

/**
 * An outgoing QoS 1/2 message a client has not fully acknowledged, as it moves with its session
 * to another node: resent there with its packet id (PUBLISH with DUP, or only PUBREL).
 *
 * @param packetId the packet id it was sent with, 1..65535
 * @param message  the message as delivered
 * @param released whether PUBREC came and PUBREL was sent (QoS 2, second half)
 */
public record InFlightMessage(int packetId, Message message, boolean released) {

    /** Checks the packet id and the message. */
    public InFlightMessage {
        Objects.requireNonNull(message, "message");
        if (packetId < 1 || packetId > 65_535) {
            throw new IllegalArgumentException("packet id must be 1..65535");
        }
    }
}
