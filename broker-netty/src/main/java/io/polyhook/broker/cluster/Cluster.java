package io.polyhook.broker.cluster;

import io.polyhook.broker.config.ClusterSettings;

import java.time.Duration;

/**
 * The cluster this node is part of: what the broker plugs into for routing, session ownership,
 * retained messages, kv tables and commands across nodes. {@link StandaloneCluster} is the
 * single node of {@code cluster.enabled: false}, at no cost.
 *
 * <p>{@link #close()} leaves cleanly: hand the persistent sessions to other nodes first
 * ({@link SessionOwnership#transfer}), then {@link #withdrawRoutes}, then close.
 */
public interface Cluster extends AutoCloseable {

    /** The settings it runs with. */
    ClusterSettings settings();

    /** This node's name. */
    default String nodeName() {
        return settings().nodeName();
    }

    /** Who is in the cluster. */
    Membership membership();

    /** The routes of every node. */
    RouteTable routes();

    /** Which node holds each client id. */
    SessionOwnership ownership();

    /** The node-to-node message link. */
    DataPlane dataPlane();

    /** Retained messages on every node. */
    ClusterRetained retained();

    /** Cluster-wide kv tables. */
    ClusterTables tables();

    /** Commands on every node. */
    ClusterCommands commands();

    /**
     * The step of a clean leave between the hand-over of the sessions and {@link #close()}:
     * withdraws this node's routes and returns once every peer has stopped routing here, what
     * the peers routed here before has arrived (and been handled, by the delivery handlers,
     * which are still in place), and what this node forwarded meanwhile has reached its peers;
     * or once {@code timeout} has passed (a warning says which peers did not answer). A single
     * node has nothing to withdraw.
     */
    default void withdrawRoutes(Duration timeout) {
    }

    /** Leaves the cluster cleanly (the others do not count this node as missing) and stops. */
    @Override
    void close();
}
