package io.polyhook.broker.session;

import io.polyhook.broker.routing.DeliveryTarget;
import io.polyhook.broker.routing.Message;

/**
 * Where this node sends what reaches it for a session that moves, or moved, to another node. A
 * message routed now ({@link #deliver}) goes with the identity its delivery carries, the one the
 * sends to other nodes use, so the new owner, if it got the message by a route too, passes it to
 * the session once. A message this node had queued for the session gets a new identity: no route
 * brought it to the session there.
 */
public interface MovedTarget extends DeliveryTarget {

    /** Sends on {@code message}, which this node took into the session's queue before it left: always. */
    void deliverQueued(Message message);
}
