package io.polyhook.provider.mongodb;

import io.polyhook.core.provider.DataProvider;
import io.polyhook.core.provider.ProviderContext;
import io.polyhook.core.provider.ProviderFactory;
import io.polyhook.core.provider.ProviderOptions;

import java.time.Duration;

/**
 * Creates {@code mongodb}, vmq_diversity's MongoDB library on the official sync driver:
 *
 * <pre>{@code
 * mongodb.ensure_pool{pool_id="auth", host="127.0.0.1", port=27017, database="vernemq", size=5,
 *                     login="vmq", password="...", auth_source="admin", w_mode="safe"}
 * local doc = mongodb.insert("auth", "users", {name="Jules Verne"})   -- doc._id = "objectid:..."
 * local c = mongodb.find("auth", "users", {name="Jules Verne"}, {projector={password=false}})
 * local d = mongodb.next(c); mongodb.close(c)
 * }</pre>
 *
 * <p>Config: {@code providers.mongodb.host}, {@code port}, {@code srv}, {@code login},
 * {@code password}, {@code auth_source}, {@code database}, {@code pool_size} (or {@code size}),
 * {@code w_mode}, {@code read_preference} (default {@code primaryPreferred}), {@code ssl} and
 * {@code cafile}/{@code certfile}/{@code keyfile}/{@code verify}, {@code connect_timeout} and
 * {@code server_selection_timeout} (1.5 s each), {@code command_timeout} (5 s),
 * {@code cursor_idle_timeout} (60 s) and {@code max_cursors} (10000).
 */
public final class MongoProviderFactory implements ProviderFactory {

    @Override
    public String name() {
        return "mongodb";
    }

    @Override
    public DataProvider create(ProviderContext context) {
        ProviderOptions config = ProviderOptions.forConfig(context);
        PoolSettings defaults = PoolSettings.BUILT_IN.with(config.fields(), config::error);
        Cursors cursors = new Cursors(config.duration("cursor_idle_timeout", Duration.ofSeconds(60)),
                config.integer("max_cursors", 1, 1_000_000, 10_000));
        return MongoProvider.create(context.pools(), defaults, cursors, context.logger());
    }
}
