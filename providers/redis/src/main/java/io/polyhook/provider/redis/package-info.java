/** The {@code redis} library: vmq_diversity's Redis commands on Jedis, with pools by {@code pool_id}. */
package io.polyhook.provider.redis;
