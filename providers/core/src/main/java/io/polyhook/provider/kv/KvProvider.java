package io.polyhook.provider.kv;

import io.polyhook.core.provider.Arguments;
import io.polyhook.core.provider.DataProvider;
import org.slf4j.Logger;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

/** The functions of the {@code kv} library over a {@link KvTables}. */
final class KvProvider {

    static final String DEFAULT_TABLE = "simple_kv";
    private static final Set<String> OPTIONS = Set.of("name", "type", "ttl", "max_size", "persist", "cluster");
    // Far beyond any sensible TTL, and small enough that nanoseconds fit in a long.
    private static final double MAX_TTL_SECONDS = 100L * 365 * 24 * 3600;

    private final KvTables tables;
    private final Logger log;

    private KvProvider(KvTables tables, Logger log) {
        this.tables = tables;
        this.log = log;
    }

    static DataProvider create(KvTables tables, Logger log) {
        KvProvider kv = new KvProvider(tables, log);
        return DataProvider.builder("kv")
                .function("ensure_table", kv::ensureTable)
                .function("insert", kv::insert)
                .function("insert_new", kv::insertNew)
                .function("lookup", args -> kv.table(args).lookup(args.string(2)))
                .function("delete", args -> {
                    kv.table(args).delete(args.string(2));
                    return true;
                })
                .function("delete_all", args -> {
                    kv.table(args).deleteAll();
                    return true;
                })
                .onClose(tables::clear)
                .build();
    }

    private Object ensureTable(Arguments args) {
        TableOptions options = new TableOptions(args, 1);
        String name = options.optString("name", DEFAULT_TABLE);
        String typeName = options.optString("type", TableType.SET.scriptName());
        TableType type = TableType.named(typeName).orElseThrow(() -> options.error("type",
                "unknown table type '" + typeName + "', expected one of " + TableType.names()));
        Duration ttl = ttl(options);
        Long maxSize = options.optInteger("max_size");
        if (maxSize != null && maxSize < 1) {
            throw options.error("max_size", "must be at least 1, got " + maxSize);
        }
        KvTables.Where where = where(options, ttl, maxSize);
        Set<String> unknown = options.unknown(OPTIONS);
        if (!unknown.isEmpty()) {
            // Ignored, as vmq_diversity ignores them, but said, since it is most likely a typo.
            log.warn("kv.ensure_table: ignoring unknown options {} for table {}", unknown, name);
        }
        tables.ensure(name, type, ttl, maxSize, where);
        return true;
    }

    private KvTables.Where where(TableOptions options, Duration ttl, Long maxSize) {
        boolean persist = options.optBoolean("persist", false);
        boolean cluster = options.optBoolean("cluster", false);
        if (cluster) {
            if (persist || ttl != null || maxSize != null) {
                // The shared tables have no expiry, size cap or store of their own.
                throw options.error("cluster", "cannot be combined with persist, ttl or max_size");
            }
            if (!tables.canShare()) {
                throw options.error("cluster", "needs a cluster, which is off (cluster.enabled: false)");
            }
            return KvTables.Where.CLUSTER;
        }
        if (persist && !tables.canPersist()) {
            throw options.error("persist", "needs the durable store, which is off (persistence.enabled: false)");
        }
        return persist ? KvTables.Where.NODE_AND_STORE : KvTables.Where.NODE;
    }

    private static Duration ttl(TableOptions options) {
        Double seconds = options.optNumber("ttl");
        if (seconds == null) {
            return null;
        }
        if (!(seconds > 0 && seconds <= MAX_TTL_SECONDS)) {
            throw options.error("ttl", "must be a number of seconds greater than 0, got " + seconds);
        }
        return Duration.ofNanos(Math.round(seconds * 1e9));
    }

    private Object insert(Arguments args) {
        ScriptTable table = table(args);
        table.insert(pairs(args));
        return true;
    }

    private Object insertNew(Arguments args) {
        ScriptTable table = table(args);
        return table.insertNew(pairs(args));
    }

    private ScriptTable table(Arguments args) {
        String name = args.string(1);
        ScriptTable table = tables.get(name);
        if (table == null) {
            throw args.error("unknown table '" + name + "' (create it with kv.ensure_table)");
        }
        return table;
    }

    private static Map<String, Object> pairs(Arguments args) {
        Map<String, Object> pairs = args.map(2);
        if (pairs.isEmpty()) {
            throw args.argError(2, "table with string keys expected, got empty table");
        }
        return pairs;
    }
}
