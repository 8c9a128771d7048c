/**
 * What the broker asks of a cluster, as small interfaces and immutable records: the view of the
 * members ({@link io.polyhook.broker.cluster.Membership}), the replication of each node's own
 * routes ({@link io.polyhook.broker.cluster.RouteTable}), session ownership with epochs as
 * fencing numbers ({@link io.polyhook.broker.cluster.SessionOwnership}), the node-to-node message
 * link ({@link io.polyhook.broker.cluster.DataPlane}), retained messages, kv tables and commands
 * that act on every node. {@link io.polyhook.broker.cluster.StandaloneCluster} is the single node
 * of {@code cluster.enabled: false}; {@code broker-cluster-infinispan} implements the rest.
 *
 * <p>Threads: every method may be called from an event loop and never blocks on the network;
 * what takes a round trip returns a {@link java.util.concurrent.CompletionStage} that completes
 * on a cluster thread, so callers hop back to their own loop. Listeners are called on cluster
 * threads and must be quick.
 */
package io.polyhook.broker.cluster;
