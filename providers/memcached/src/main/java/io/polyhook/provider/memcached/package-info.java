/** The {@code memcached} library: vmq_diversity's memcached functions on a small text-protocol client, with pools by {@code pool_id}. */
package io.polyhook.provider.memcached;
