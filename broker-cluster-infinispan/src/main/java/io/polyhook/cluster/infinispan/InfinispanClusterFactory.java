package io.polyhook.cluster.infinispan;

import io.polyhook.broker.cluster.Cluster;
import io.polyhook.broker.cluster.ClusterFactory;
import io.polyhook.broker.config.ClusterSettings;

/**
 * The {@link ClusterFactory} the broker finds by {@link java.util.ServiceLoader}: an
 * {@link InfinispanCluster} with the default tuning.
 */
public final class InfinispanClusterFactory implements ClusterFactory {

    @Override
    public Cluster start(ClusterSettings settings) {
        return InfinispanCluster.start(settings);
    }
}
