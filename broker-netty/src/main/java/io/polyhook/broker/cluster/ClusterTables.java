package io.polyhook.broker.cluster;

/** The cluster-wide kv tables; kv tables stay node-local unless created with the cluster option. */
public interface ClusterTables {

    /** The table named {@code name} (created on first use, on every node). */
    SharedTable table(String name);
}
