package io.polyhook.provider.http;

import io.polyhook.core.provider.DataProvider;
import io.polyhook.core.provider.ProviderContext;
import io.polyhook.core.provider.ProviderFactory;
import io.polyhook.core.provider.ProviderOptions;

/**
 * Creates {@code http}, vmq_diversity's HTTP client on {@link java.net.http.HttpClient}:
 *
 * <pre>{@code
 * http.ensure_pool{pool_id="auth", size=10, connect_timeout="2s", request_timeout=3000}
 * local r = http.post("auth", "https://example.com/check", {user="alice"}, {["X-Key"]="..."})
 * if r and r.status == 200 then ... r.headers["content-type"] ... r.ref ... end
 * }</pre>
 *
 * <p>A body is a string (sent as is) or a table (sent form-url-encoded); headers are a table,
 * either after a body or, with {@code nil} for the body, on their own. A transport failure
 * returns {@code false} and logs a warning; any HTTP status is a result.
 *
 * <p>Config: {@code providers.http.size} (default 10), {@code connect_timeout} and
 * {@code request_timeout} (milliseconds, or strings such as {@code "5s"}; default 5 s each),
 * the defaults for fields that {@code ensure_pool} leaves out.
 */
public final class HttpProviderFactory implements ProviderFactory {

    @Override
    public String name() {
        return "http";
    }

    @Override
    public DataProvider create(ProviderContext context) {
        ProviderOptions config = ProviderOptions.forConfig(context);
        PoolSettings defaults = PoolSettings.BUILT_IN.with(config.fields(), config::error);
        return HttpProvider.create(context.pools(), defaults, context.logger());
    }
}
