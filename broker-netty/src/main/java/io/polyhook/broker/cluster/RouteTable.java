package io.polyhook.broker.cluster;

import java.util.List;
import java.util.Map;

/**
 * The routes of the cluster, EMQX's "merge table": a route says "node N has at least one
 * subscriber to filter F in mountpoint M". Each node publishes only its own routes and holds
 * every other node's, so matching a topic against the whole cluster is a local trie walk. A
 * node's routes disappear with it when it leaves or crashes, and every node publishes its own
 * again after a split heals (engine state merged across a split is not trusted).
 *
 * <p>Per subscriber details (QoS, no-local, subscription identifiers, retain-as-published) stay
 * on the subscriber's node: a message goes once to each matching node, which routes it locally.
 */
public interface RouteTable {

    /**
     * One more local subscription to {@code filter} ({@code $share/<group>/<filter>} for a
     * shared one); the route is published when the first one comes. {@code online}: whether its
     * session is connected (only shared groups publish that, for the member-choosing policies).
     */
    void add(String mountpoint, String filter, boolean online);

    /** One local subscription to {@code filter} fewer; the route is withdrawn when the last one goes. */
    void remove(String mountpoint, String filter, boolean online);

    /** A local session subscribed to the shared {@code filter} came online or went offline. */
    void online(String mountpoint, String filter, boolean online);

    /** The other nodes whose routes match {@code topic}; {@link RemoteMatch#NONE} if there are none. */
    RemoteMatch match(String mountpoint, String topic);

    /** Every route this node holds, by node (this node's own included), for status pages and tests. */
    Map<String, List<Route>> snapshot();

    /**
     * One route.
     *
     * @param node       the node that has the subscribers
     * @param mountpoint the mountpoint
     * @param filter     the filter, {@code $share/<group>/<filter>} for a shared group
     * @param online     for a shared group: whether the node has a member online
     */
    record Route(String node, String mountpoint, String filter, boolean online) {
    }
}
