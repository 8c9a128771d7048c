package io.polyhook.broker.cluster;

import io.polyhook.spi.Registration;

import java.util.function.Consumer;

/** Who is in the cluster, as this node sees it. */
public interface Membership {

    /** The current view. */
    ClusterView view();

    /** Calls {@code listener} with every new view, on a cluster thread, in order. */
    Registration onViewChange(Consumer<ClusterView> listener);

    /**
     * Forgets a missing node (an operator's "this node is gone for good", VerneMQ's
     * {@code cluster leave} of a dead node): it stops counting for the netsplit state.
     *
     * @return whether the node was missing
     */
    boolean forget(String node);
}
