package io.polyhook.provider.memcached;

import io.polyhook.core.provider.DataProvider;
import io.polyhook.core.provider.ProviderContext;
import io.polyhook.core.provider.ProviderFactory;
import io.polyhook.core.provider.ProviderOptions;

/**
 * Creates {@code memcached}, vmq_diversity's memcached library on a small text-protocol client
 * of our own with a fixed-size connection pool:
 *
 * <pre>{@code
 * memcached.ensure_pool{pool_id="cache", host="127.0.0.1", port=11211, size=5}
 * memcached.set("cache", "k", "v", 60)   --> "v"
 * memcached.get("cache", "k")            --> "v", or false
 * }</pre>
 *
 * <p>Config: {@code providers.memcached.host} (127.0.0.1), {@code port} (11211),
 * {@code pool_size} (or {@code size}, 5), {@code connect_timeout} (1.5 s),
 * {@code command_timeout} and {@code pool_timeout} (3 s each): the defaults for fields that
 * {@code ensure_pool} leaves out.
 */
public final class MemcachedProviderFactory implements ProviderFactory {

    @Override
    public String name() {
        return "memcached";
    }

    @Override
    public DataProvider create(ProviderContext context) {
        ProviderOptions config = ProviderOptions.forConfig(context);
        PoolSettings defaults = PoolSettings.BUILT_IN.with(config.fields(), config::error);
        return MemcachedProvider.create(context.pools(), defaults, context.logger());
    }
}
