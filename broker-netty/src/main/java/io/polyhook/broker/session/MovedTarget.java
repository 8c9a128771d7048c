package io.polyhook.broker.session;

import io.polyhook.broker.routing.DeliveryTarget;
import io.polyhook.broker.routing.Message;

/**
 * Where this node sends what reaches it for a session that moves, or moved, to another node. A
 * message routed now may skip it when this node's routes reach the new owner already; a message
 * this node had queued for the session cannot, since no route sent it there when it was published.
 */
public interface MovedTarget extends DeliveryTarget {

    /** Sends on {@code message}, which this node took into the session's queue before it left: always. */
    void deliverQueued(Message message);
}
