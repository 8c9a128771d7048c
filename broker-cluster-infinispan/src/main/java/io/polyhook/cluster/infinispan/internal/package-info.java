/** How {@code InfinispanCluster} does its work: caches, codecs, the Netty data plane. Not API. */
package io.polyhook.cluster.infinispan.internal;
