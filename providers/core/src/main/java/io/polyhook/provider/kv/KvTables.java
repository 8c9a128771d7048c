package io.polyhook.provider.kv;

import com.github.benmanes.caffeine.cache.Ticker;
import org.slf4j.Logger;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The node's kv tables by name. Node-global: every script and every state sees the same
 * tables, and a table lives until the broker stops, whoever created it; a table created with
 * {@code persist} keeps its entries in the {@link KvStorage} too and finds them there on the next
 * start. Thread-safe.
 */
final class KvTables {

    private final ConcurrentHashMap<String, ScriptTable> tables = new ConcurrentHashMap<>();
    private final Ticker ticker;
    private final InstantSource clock;
    private final Optional<KvStorage> storage;
    private final Optional<SharedKvTables> shared;
    private final Logger log;

    KvTables(Ticker ticker) {
        this(ticker, InstantSource.system(), Optional.empty(), Optional.empty(),
                org.slf4j.LoggerFactory.getLogger(KvTables.class));
    }

    KvTables(Ticker ticker, InstantSource clock, Optional<KvStorage> storage, Optional<SharedKvTables> shared,
             Logger log) {
        this.ticker = ticker;
        this.clock = clock;
        this.storage = storage;
        this.shared = shared;
        this.log = log;
    }

    /** Whether tables can be created with {@code persist}. */
    boolean canPersist() {
        return storage.isPresent();
    }

    /** Whether tables can be created with {@code cluster}. */
    boolean canShare() {
        return shared.isPresent();
    }

    /**
     * The table {@code name}, created with these options if there is none (a persistent one
     * filled from the store). An existing table is returned as it is: options that differ from
     * its own are not applied.
     *
     * @throws IllegalStateException if {@code persist} or {@code cluster} is asked for and there is
     *     no storage for it
     */
    ScriptTable ensure(String name, TableType type, Duration ttl, Long maxSize, Where where) {
        return tables.computeIfAbsent(name, n -> {
            if (where == Where.CLUSTER) {
                return new ClusterKvTable(n, type, shared.orElseThrow(() -> new IllegalStateException("no cluster")));
            }
            if (where == Where.NODE) {
                return new KvTable(type, ttl, maxSize, ticker, null);
            }
            KvStorage s = storage.orElseThrow(() -> new IllegalStateException("no kv storage"));
            KvTable table = new KvTable(type, ttl, maxSize, ticker, new TableStore(s, n, clock));
            table.load(key -> log.warn("kv table {}: skipping the stored entry of key {}, which cannot be read", n, key));
            return table;
        });
    }

    /** The table {@code name}, or {@code null} if there is none. */
    ScriptTable get(String name) {
        return tables.get(name);
    }

    /** Where a table's entries live. */
    enum Where {
        /** In this node's memory, until it stops. */
        NODE,
        /** In this node's memory and its durable store. */
        NODE_AND_STORE,
        /** In the cluster's shared tables. */
        CLUSTER
    }

    /** Forgets the tables (at stop); persistent ones stay in their store. */
    void clear() {
        tables.clear();
    }
}
