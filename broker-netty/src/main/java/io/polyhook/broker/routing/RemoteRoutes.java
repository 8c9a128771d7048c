package io.polyhook.broker.routing;

import io.polyhook.spi.SharedSubscriptionPolicy;
import io.polyhook.spi.SubscriberId;
import io.polyhook.spi.TopicSubscription;

import java.util.Map;

/**
 * The other nodes of a cluster, as the {@link Router} sees them: after a publish reached this
 * node's own subscribers, it goes on to the nodes whose routes match, and every matching shared
 * group (this node's members and other nodes' alike) gets it once. Without a cluster there is
 * none, and the router costs nothing more. Implementations must not block.
 */
public interface RemoteRoutes {

    /**
     * Sends {@code message}, published in {@code mountpoint} on this node and delivered to this
     * node's plain subscribers already, to the other nodes whose routes match, and chooses for
     * each matching shared group, by {@code policy}, whether a member here
     * ({@link Router#deliverToGroup}) or a node with members gets it.
     *
     * @param localGroups the shared groups that matched on this node, keyed by {@code $share/<group>/<filter>}
     */
    void publish(String mountpoint, Message message, PublishOrigin origin,
                 Map<String, Map<SubscriberId, TopicSubscription>> localGroups, SharedSubscriptionPolicy policy);

    /**
     * A message published here is about to reach this node's subscribers, then {@link #publish}:
     * the cluster may give it its identity now, so that a target here that sends it on (a
     * session that moved to another node) and the sends to other nodes use the same one. Returns
     * whether {@link #published()} must follow, on this thread, once both are done.
     */
    default boolean publishing() {
        return false;
    }

    /** The publish that {@link #publishing()} announced is done on this thread. */
    default void published() {
    }
}
