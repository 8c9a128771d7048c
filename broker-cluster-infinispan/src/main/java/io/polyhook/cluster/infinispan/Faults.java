package io.polyhook.cluster.infinispan;

import java.util.Collection;

/**
 * Cuts a node off from others and heals it, for tests of netsplits: JGroups' DISCARD drops
 * what comes from the cut-off nodes, and the data plane refuses to send to them. Only with
 * {@link ClusterTuning#faultInjection()}.
 */
public interface Faults {

    /** Drops everything between this node and {@code nodes} (do the same on their side for a clean split). */
    void isolateFrom(Collection<String> nodes);

    /** Lets everything through again. */
    void heal();
}
