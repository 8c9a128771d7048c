package io.polyhook.provider.kv;

import com.github.benmanes.caffeine.cache.Ticker;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The node's kv tables by name. Node-global: every script and every state sees the same
 * tables, and a table lives until the broker stops, whoever created it. Thread-safe.
 */
final class KvTables {

    private final ConcurrentHashMap<String, KvTable> tables = new ConcurrentHashMap<>();
    private final Ticker ticker;

    KvTables(Ticker ticker) {
        this.ticker = ticker;
    }

    /**
     * The table {@code name}, created with these options if there is none. An existing table
     * is returned as it is: options that differ from its own are not applied.
     */
    KvTable ensure(String name, TableType type, Duration ttl, Long maxSize) {
        return tables.computeIfAbsent(name, n -> new KvTable(type, ttl, maxSize, ticker));
    }

    /** The table {@code name}, or {@code null} if there is none. */
    KvTable get(String name) {
        return tables.get(name);
    }

    void clear() {
        tables.clear();
    }
}
