package io.polyhook.broker.session;

import io.polyhook.broker.routing.Message;

/**
 * An outgoing QoS 1/2 message the client has not fully acknowledged yet, kept with its packet id
 * so that a persistent session can resend it after a reconnect as the protocol requires: the
 * PUBLISH again with DUP set, or only the PUBREL once the client sent PUBREC.
 *
 * @param packetId the packet id it was sent with
 * @param message  the message
 * @param released whether PUBREC came and PUBREL was sent (QoS 2, second half)
 */
public record InFlight(int packetId, Message message, boolean released) {

    /** This entry after the client's PUBREC. */
    public InFlight release() {
        return new InFlight(packetId, message, true);
    }
}
