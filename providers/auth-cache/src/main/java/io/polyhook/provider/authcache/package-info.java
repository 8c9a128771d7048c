/**
 * The {@code auth_cache} library and the broker side of vmq_diversity's authorization cache:
 * {@link io.polyhook.provider.authcache.AuthCache} (the node-local cache),
 * {@link io.polyhook.provider.authcache.AuthCacheProviderFactory} (the library scripts call) and
 * {@link io.polyhook.provider.authcache.AuthCachePlugin} (the hooks that answer from the cache).
 * One cache instance is shared by the library and the hooks; the broker creates it.
 */
package io.polyhook.provider.authcache;
