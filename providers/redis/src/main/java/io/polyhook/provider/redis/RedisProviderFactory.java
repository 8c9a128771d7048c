package io.polyhook.provider.redis;

import io.polyhook.core.provider.DataProvider;
import io.polyhook.core.provider.ProviderContext;
import io.polyhook.core.provider.ProviderFactory;
import io.polyhook.core.provider.ProviderOptions;

/**
 * Creates {@code redis}, vmq_diversity's Redis library on Jedis:
 *
 * <pre>{@code
 * redis.ensure_pool{pool_id="auth", host="127.0.0.1", port=6379, password="...", database=0, size=5}
 * redis.cmd("auth", "SET mykey somevalue")            --> true
 * redis.cmd("auth", "INCR counter")                   --> "101"
 * redis.cmd("auth", "RPUSH mylist", "a value with spaces")
 * }</pre>
 *
 * <p>Config: {@code providers.redis.host}, {@code port}, {@code user}, {@code password},
 * {@code database}, {@code pool_size} (or {@code size}), {@code connect_timeout} (1.5 s),
 * {@code command_timeout} (5 s), {@code pool_timeout} (5 s): the defaults for fields that
 * {@code ensure_pool} leaves out.
 */
public final class RedisProviderFactory implements ProviderFactory {

    @Override
    public String name() {
        return "redis";
    }

    @Override
    public DataProvider create(ProviderContext context) {
        ProviderOptions config = ProviderOptions.forConfig(context);
        PoolSettings defaults = PoolSettings.BUILT_IN.with(config.fields(), config::error);
        return RedisProvider.create(context.pools(), defaults, context.logger());
    }
}
