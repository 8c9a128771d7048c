package io.polyhook.provider.kv;

import com.github.benmanes.caffeine.cache.Ticker;
import io.polyhook.core.provider.DataProvider;
import io.polyhook.core.provider.ProviderContext;
import io.polyhook.core.provider.ProviderFactory;

import java.time.InstantSource;
import java.util.Optional;

/**
 * Creates {@code kv}: named in-memory tables shared by every script on the node, as
 * vmq_diversity's ETS-backed {@code kv}, with an optional TTL and size cap per table, and
 * optionally kept in the broker's durable store ({@code persist = true}).
 *
 * <pre>{@code
 * kv.ensure_table{name="sessions", type="set", ttl=60, max_size=10000}
 * kv.insert("sessions", {client1="alice"})
 * local values = kv.lookup("sessions", "client1")  -- {"alice"}
 * }</pre>
 */
public final class KvProviderFactory implements ProviderFactory {

    private final Optional<KvStorage> storage;
    private final Optional<SharedKvTables> shared;

    /**
     * Tables in memory only: {@code persist = true} and {@code cluster = true} are refused (the
     * factory {@link java.util.ServiceLoader} finds).
     */
    public KvProviderFactory() {
        this(Optional.empty(), Optional.empty());
    }

    /**
     * Tables created with {@code persist = true} keep their entries in {@code storage}, those
     * created with {@code cluster = true} live in {@code shared}; each refused where it is empty.
     */
    public KvProviderFactory(Optional<KvStorage> storage, Optional<SharedKvTables> shared) {
        this.storage = storage;
        this.shared = shared;
    }

    @Override
    public String name() {
        return "kv";
    }

    @Override
    public DataProvider create(ProviderContext context) {
        return KvProvider.create(new KvTables(Ticker.systemTicker(), InstantSource.system(), storage, shared, context.logger()),
                context.logger());
    }
}
