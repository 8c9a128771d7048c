package io.polyhook.provider.kv;

import com.github.benmanes.caffeine.cache.Ticker;
import io.polyhook.core.provider.DataProvider;
import io.polyhook.core.provider.ProviderContext;
import io.polyhook.core.provider.ProviderFactory;

/**
 * Creates {@code kv}: named in-memory tables shared by every script on the node, as
 * vmq_diversity's ETS-backed {@code kv}, with an optional TTL and size cap per table.
 *
 * <pre>{@code
 * kv.ensure_table{name="sessions", type="set", ttl=60, max_size=10000}
 * kv.insert("sessions", {client1="alice"})
 * local values = kv.lookup("sessions", "client1")  -- {"alice"}
 * }</pre>
 */
public final class KvProviderFactory implements ProviderFactory {

    @Override
    public String name() {
        return "kv";
    }

    @Override
    public DataProvider create(ProviderContext context) {
        return KvProvider.create(new KvTables(Ticker.systemTicker()), context.logger());
    }
}
