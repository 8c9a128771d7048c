package io.polyhook.cluster.infinispan.internal;

import io.polyhook.broker.config.ClusterSettings;
import org.infinispan.configuration.cache.CacheMode;
import org.infinispan.configuration.cache.Configuration;
import org.infinispan.configuration.cache.ConfigurationBuilder;
import org.infinispan.conflict.EntryMergePolicy;
import org.infinispan.conflict.MergePolicy;
import org.infinispan.manager.EmbeddedCacheManager;
import org.infinispan.partitionhandling.PartitionHandling;

/**
 * Which cache holds which state, and what each does in a split:
 *
 * <ul>
 * <li>{@link #NODES} (replicated): the nodes that joined and their data-plane addresses; both
 *     sides keep working, a merge keeps every record.</li>
 * <li>{@link #ROUTES} (replicated): every node reads all routes locally; both sides keep
 *     working ({@code allow_subscribe_during_netsplit} is the broker's check), a merge keeps
 *     every entry and each node then rewrites its own.</li>
 * <li>{@link #OWNERS} (distributed, two copies): with {@code allow_register_during_netsplit:
 *     false}, a minority side can neither read nor write (DENY_READ_WRITES), so a client id is
 *     never handed out on both sides; with {@code true}, both sides write and the merge keeps
 *     the highest epoch.</li>
 * <li>{@link #RETAINED} (replicated): both sides keep working, the merge keeps the later write.</li>
 * <li>{@link #KV} (distributed, two copies): both sides keep working, the merge keeps the larger
 *     side's value.</li>
 * </ul>
 */
public final class CacheLayout {

    public static final String NODES = "polyhook.nodes";
    public static final String ROUTES = "polyhook.routes";
    public static final String OWNERS = "polyhook.owners";
    public static final String RETAINED = "polyhook.retained";
    public static final String KV = "polyhook.kv";

    private CacheLayout() {
    }

    /** Defines the caches on {@code manager} (not started yet). */
    public static void define(EmbeddedCacheManager manager, ClusterSettings settings) {
        manager.defineConfiguration(NODES, replicated(MergePolicy.PREFERRED_NON_NULL));
        manager.defineConfiguration(ROUTES, replicated(MergePolicy.PREFERRED_NON_NULL));
        manager.defineConfiguration(RETAINED, replicated(MergePolicies.LATEST_WRITE));
        manager.defineConfiguration(OWNERS, settings.allowRegisterDuringNetsplit()
                ? distributed(PartitionHandling.ALLOW_READ_WRITES, MergePolicies.HIGHEST_EPOCH)
                : distributed(PartitionHandling.DENY_READ_WRITES, MergePolicy.NONE));
        manager.defineConfiguration(KV, distributed(PartitionHandling.ALLOW_READ_WRITES, MergePolicy.PREFERRED_ALWAYS));
    }

    private static Configuration replicated(EntryMergePolicy<?, ?> merge) {
        ConfigurationBuilder b = new ConfigurationBuilder();
        b.clustering().cacheMode(CacheMode.REPL_SYNC)
                .partitionHandling().whenSplit(PartitionHandling.ALLOW_READ_WRITES).mergePolicy(merge);
        b.statistics().disable();
        return b.build();
    }

    private static Configuration distributed(PartitionHandling split, EntryMergePolicy<?, ?> merge) {
        ConfigurationBuilder b = new ConfigurationBuilder();
        b.clustering().cacheMode(CacheMode.DIST_SYNC).hash().numOwners(2)
                .partitionHandling().whenSplit(split).mergePolicy(merge);
        b.statistics().disable();
        return b.build();
    }
}
