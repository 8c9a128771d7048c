package io.polyhook.broker.cluster;

import io.polyhook.broker.config.ClusterSettings;

import java.util.ServiceLoader;

/**
 * Starts this node's {@link Cluster}. broker-netty does not depend on a cluster engine: an engine
 * module (broker-cluster-infinispan) registers its factory as a {@link ServiceLoader} service,
 * and the broker finds it on the class path, as it finds a store engine.
 */
public interface ClusterFactory {

    /**
     * Joins (or starts) the cluster of {@code settings}; returns once this node has the
     * cluster's state.
     *
     * @throws IllegalStateException if it cannot join, saying why
     */
    Cluster start(ClusterSettings settings);

    /**
     * The cluster the broker runs in: {@link StandaloneCluster} when {@code cluster.enabled} is
     * false, otherwise the engine's on the class path.
     *
     * @throws IllegalStateException if the cluster is enabled and no engine is on the class path
     */
    static Cluster forSettings(ClusterSettings settings) {
        if (!settings.enabled()) {
            return new StandaloneCluster(settings);
        }
        return onClassPath().start(settings);
    }

    /**
     * The cluster engine's factory found on the class path.
     *
     * @throws IllegalStateException if there is none
     */
    static ClusterFactory onClassPath() {
        return ServiceLoader.load(ClusterFactory.class).findFirst()
                .orElseThrow(() -> new IllegalStateException("cluster.enabled is true but no cluster engine is on the"
                        + " class path: add the broker-cluster-infinispan module, or set cluster.enabled: false"));
    }
}
