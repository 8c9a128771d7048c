package io.polyhook.broker.clusterbridge;

import io.polyhook.broker.cluster.Cluster;
import io.polyhook.broker.cluster.MessageId;
import io.polyhook.broker.cluster.RemoteDelivery;
import io.polyhook.broker.cluster.RemoteMatch;
import io.polyhook.broker.routing.Message;
import io.polyhook.broker.routing.PublishOrigin;
import io.polyhook.broker.routing.RemoteRoutes;
import io.polyhook.broker.routing.Router;
import io.polyhook.broker.routing.SubscriptionTree;
import io.polyhook.spi.SharedSubscriptionPolicy;
import io.polyhook.spi.SubscriberId;
import io.polyhook.spi.TopicSubscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Routing across nodes. This node's subscriptions become its routes in the cluster's
 * {@link io.polyhook.broker.cluster.RouteTable} (counted per filter there: a thousand
 * subscribers of one filter are one route); a message published here, once delivered to this
 * node's subscribers, goes once to each other node whose routes match, which routes it to its own
 * subscribers with their QoS, no-local, retain-as-published and subscription identifiers; a shared
 * group that matches gets it once, on the node the policy chooses. Messages from other nodes are
 * delivered to this node's subscribers only.
 */
final class ClusterRouting implements RemoteRoutes, SubscriptionTree.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterRouting.class);
    private static final String SYS = "$SYS/";

    /** How often this node looks whether its shared groups have a member online (docs/clustering.md). */
    static final Duration PRESENCE_INTERVAL = Duration.ofSeconds(1);
    private static final String SHARED = "$share/";

    private final Cluster cluster;
    private final Router router;
    private final SharedPresence presence;
    private final MessageForwarding forwarding;

    ClusterRouting(Cluster cluster, Router router, MessageForwarding forwarding) {
        this.cluster = cluster;
        this.router = router;
        this.presence = new SharedPresence(cluster.routes(), router::isOnline, PRESENCE_INTERVAL);
        this.forwarding = forwarding;
    }

    // A plain route's value does not depend on its subscribers' connections; a shared one says whether one is online.
    @Override
    public void added(String mountpoint, SubscriberId subscriber, String filter) {
        if (filter.startsWith(SHARED)) {
            presence.added(mountpoint, subscriber, filter);
        } else {
            cluster.routes().add(mountpoint, filter, true);
        }
    }

    @Override
    public void removed(String mountpoint, SubscriberId subscriber, String filter) {
        if (filter.startsWith(SHARED)) {
            presence.removed(mountpoint, subscriber, filter);
        } else {
            cluster.routes().remove(mountpoint, filter, true);
        }
    }

    @Override
    public boolean publishing() {
        return forwarding.publishing();
    }

    @Override
    public void published() {
        forwarding.done();
    }

    /** Stops following whether the shared groups' members are online. */
    void close() {
        presence.close();
    }

    @Override
    public void publish(String mountpoint, Message message, PublishOrigin origin,
                        Map<String, Map<SubscriberId, TopicSubscription>> localGroups, SharedSubscriptionPolicy policy) {
        if (message.retain() && !message.topic().startsWith(SYS)) {
            // $SYS is each node's own (the same topics on every node): copied, the nodes would overwrite each other.
            cluster.retained().retain(mountpoint, message);
        }
        RemoteMatch match = cluster.routes().match(mountpoint, message.topic());
        if (match.groups().isEmpty()) {
            // The usual case: no shared group spans nodes, so this node's groups are this node's.
            for (Map<SubscriberId, TopicSubscription> group : localGroups.values()) {
                router.deliverToGroup(group, message, origin);
            }
            if (!match.nodes().isEmpty()) {
                sendToNodes(mountpoint, message, match, Map.of());
            }
            return;
        }
        Map<String, List<String>> groupsByNode = new HashMap<>();
        for (Map.Entry<String, Map<SubscriberId, TopicSubscription>> g : localGroups.entrySet()) {
            if (!match.groups().containsKey(g.getKey())) {
                router.deliverToGroup(g.getValue(), message, origin);
            }
        }
        for (Map.Entry<String, List<RemoteMatch.GroupMember>> g : match.groups().entrySet()) {
            Map<SubscriberId, TopicSubscription> local = localGroups.get(g.getKey());
            boolean localMembers = local != null && !local.isEmpty();
            String node = SharedGroupChoice.choose(policy, localMembers, localMembers && router.hasOnlineMember(local),
                    g.getValue(), bound -> ThreadLocalRandom.current().nextInt(bound));
            if (SharedGroupChoice.LOCAL.equals(node)) {
                router.deliverToGroup(local, message, origin);
            } else if (node != null) {
                groupsByNode.computeIfAbsent(node, n -> new ArrayList<>(1)).add(g.getKey());
            }
        }
        sendToNodes(mountpoint, message, match, groupsByNode);
    }

    private void sendToNodes(String mountpoint, Message message, RemoteMatch match,
                             Map<String, List<String>> groupsByNode) {
        // The identity the publish got before local delivery while sessions move: a forwarded copy carries it too.
        MessageId given = forwarding.current();
        MessageId id = given != null ? given : cluster.dataPlane().newId();
        for (String node : match.nodes()) {
            send(node, new RemoteDelivery(id, mountpoint, message, true, groupsByNode.getOrDefault(node, List.of())));
        }
        groupsByNode.forEach((node, groups) -> {
            if (!match.nodes().contains(node)) {
                send(node, new RemoteDelivery(id, mountpoint, message, false, groups));
            }
        });
    }

    private void send(String node, RemoteDelivery delivery) {
        if (!cluster.dataPlane().send(node, delivery)) {
            // Counted by the data plane; QoS 1/2 publishers are not told, as a lost link loses them too (docs/clustering.md).
            LOG.debug("message to {} dropped: node not reachable or its queue is full", node);
        }
    }

    /** A message another node sent here: to this node's subscribers only. */
    void received(RemoteDelivery delivery) {
        boolean marked = forwarding.receiving(delivery.id());
        try {
            router.deliverFromPeer(delivery.mountpoint(), delivery.message(), delivery.subscribers(), delivery.groups());
        } finally {
            if (marked) {
                forwarding.done();
            }
        }
    }
}
