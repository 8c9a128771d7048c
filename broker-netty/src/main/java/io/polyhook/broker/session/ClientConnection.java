package io.polyhook.broker.session;

import io.polyhook.broker.routing.DeliveryTarget;
import io.polyhook.broker.routing.Message;

import java.util.List;

/**
 * The live connection of a session, as the session layer sees it. Every method may be called
 * from any thread; the connection does the work on its own event loop.
 */
public interface ClientConnection {

    /** Where messages for the session go while this connection is attached. */
    DeliveryTarget outbound();

    /** Another connection took the session over: MQTT 5 clients get DISCONNECT 0x8E. */
    void takenOver();

    /** An administrator disconnects the client (vmq_api); MQTT 5 clients get DISCONNECT 0x98. */
    void kick(boolean sessionDiscarded);

    /** The broker is shutting down: MQTT 5 clients get DISCONNECT 0x8B. */
    void shutdown();

    /**
     * What a taken-over connection left: {@code entries} unacknowledged, to resend with the same
     * packet ids, then {@code pending}, which it never sent, in order, before anything newer.
     */
    void resendTakenOver(List<InFlight> entries, List<Message> pending);
}
