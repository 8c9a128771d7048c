package io.polyhook.broker.cluster;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One node's view of the cluster at one moment.
 *
 * @param self     this node's name
 * @param members  the nodes this node can reach now, this node included, in join order
 * @param missing  known nodes that are gone without leaving cleanly (crashed or split away)
 * @param netsplit whether the cluster is whole, and which side of a split this node is on
 * @param viewId   grows with every change of the view (a JGroups view id)
 */
public record ClusterView(String self, List<String> members, Set<String> missing, NetsplitState netsplit, long viewId) {

    /** Checks every part is present; copies the collections. */
    public ClusterView {
        Objects.requireNonNull(self, "self");
        Objects.requireNonNull(netsplit, "netsplit");
        members = List.copyOf(members);
        missing = Set.copyOf(missing);
    }

    /** The view of a node alone, as with {@code cluster.enabled: false}. */
    public static ClusterView alone(String self) {
        return new ClusterView(self, List.of(self), Set.of(), NetsplitState.NONE, 0);
    }

    /** The state of a side with {@code present} members when {@code missing} more are known. */
    public static NetsplitState stateOf(int present, int missing) {
        if (missing == 0) {
            return NetsplitState.NONE;
        }
        return present * 2 > present + missing ? NetsplitState.MAJORITY : NetsplitState.MINORITY;
    }

    /** Whether {@code node} is in the view. */
    public boolean contains(String node) {
        return members.contains(node);
    }

    /** The members other than this node. */
    public List<String> peers() {
        return members.stream().filter(m -> !m.equals(self)).toList();
    }
}
