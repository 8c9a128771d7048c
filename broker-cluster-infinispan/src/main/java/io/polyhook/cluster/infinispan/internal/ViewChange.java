package io.polyhook.cluster.infinispan.internal;

import io.polyhook.broker.cluster.ClusterView;

import java.util.Set;

/**
 * A new view and how it differs from the one before.
 *
 * @param view   the new view
 * @param left   nodes in the previous view and not in this one
 * @param joined nodes in this view and not in the previous one
 * @param merge  whether it joins sub-clusters that were split: engine state merged across a split is not trusted
 */
public record ViewChange(ClusterView view, Set<String> left, Set<String> joined, boolean merge) {
}
