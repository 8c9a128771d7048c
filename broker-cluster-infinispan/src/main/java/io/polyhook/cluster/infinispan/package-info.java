/**
 * Polyhook nodes forming one broker on Infinispan embedded: JGroups over TCP with static seeds
 * (TCPPING) for membership, Infinispan caches for routes, session owners, retained messages and
 * kv tables, and a Netty link of its own for the messages between nodes.
 * {@link io.polyhook.cluster.infinispan.InfinispanCluster#start} is the entry point.
 */
package io.polyhook.cluster.infinispan;
