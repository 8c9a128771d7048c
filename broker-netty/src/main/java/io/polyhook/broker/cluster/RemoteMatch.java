package io.polyhook.broker.cluster;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a topic matched on other nodes ({@link RouteTable#match}).
 *
 * @param nodes  the nodes with plain subscribers that match: each gets the message once and routes it locally
 * @param groups the shared groups that match ({@code $share/<group>/<filter>}) and the nodes that have members,
 *               of which the publishing node chooses one per group by its shared_subscription_policy
 */
public record RemoteMatch(Set<String> nodes, Map<String, List<GroupMember>> groups) {

    /** Nothing matched. */
    public static final RemoteMatch NONE = new RemoteMatch(Set.of(), Map.of());

    /** Copies both collections. */
    public RemoteMatch {
        nodes = Set.copyOf(nodes);
        groups = Map.copyOf(groups);
    }

    /** Whether nothing matched. */
    public boolean isEmpty() {
        return nodes.isEmpty() && groups.isEmpty();
    }

    /**
     * A node with members of a shared group.
     *
     * @param node   the node
     * @param online whether one of its members is connected
     */
    public record GroupMember(String node, boolean online) {
    }
}
