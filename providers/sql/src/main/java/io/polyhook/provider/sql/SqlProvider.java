package io.polyhook.provider.sql;

import io.polyhook.core.provider.Arguments;
import io.polyhook.core.provider.DataProvider;
import io.polyhook.core.provider.PoolRegistry;
import io.polyhook.core.provider.ProviderContext;
import io.polyhook.core.provider.ProviderException;
import io.polyhook.core.provider.Values;
import org.slf4j.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The functions of one SQL library ({@code ensure_pool}, {@code execute}, {@code hash_method}) over the node's pools. */
final class SqlProvider {

    private static final int FIRST_VALUE = 3;

    private final SqlLibrary library;
    private final PoolRegistry pools;
    private final PoolSettings defaults;
    private final String hashMethod;
    private final Logger log;

    private SqlProvider(SqlLibrary library, PoolRegistry pools, PoolSettings defaults, String hashMethod, Logger log) {
        this.library = library;
        this.pools = pools;
        this.defaults = defaults;
        this.hashMethod = hashMethod;
        this.log = log;
    }

    /**
     * The library over {@code context}: pool defaults from {@code providers.<name>}, the hash
     * method from {@code providers.<name>.password_hash_method}, else from
     * {@code auth.<name>.password_hash_method} (the bundled auth script's section).
     *
     * @throws IllegalArgumentException naming the config key, if a value is malformed
     */
    static DataProvider create(SqlLibrary library, ProviderContext context) {
        String section = "providers." + context.name();
        PoolSettings defaults = library.builtInSettings().with(context.defaults(), true,
                (field, problem) -> new IllegalArgumentException(section + "." + field + ": " + problem));
        String hashMethod = hashMethod(library, context);
        SqlProvider sql = new SqlProvider(library, context.pools(), defaults, hashMethod, context.logger());
        return DataProvider.builder(library.libraryName())
                .function("ensure_pool", sql::ensurePool)
                .function("execute", sql::execute)
                .function("hash_method", args -> library.hashMethodResult(sql.hashMethod))
                .build();
    }

    private static String hashMethod(SqlLibrary library, ProviderContext context) {
        String key = "password_hash_method";
        String path = "providers." + context.name() + "." + key;
        Object value = context.defaults().get(key);
        if (value == null) {
            value = context.config("auth." + context.name()).get(key);
            path = "auth." + context.name() + "." + key;
        }
        if (value == null) {
            return library.defaultHashMethod();
        }
        if (!(value instanceof String method) || !library.hashMethods().contains(method)) {
            throw new IllegalArgumentException(path + ": one of " + String.join(", ", library.hashMethods())
                    + " expected, got " + (value instanceof String s ? "'" + s + "'" : Values.typeName(value)));
        }
        return method;
    }

    private Object ensurePool(Arguments args) {
        Map<String, Object> options = args.optMap(1);
        String poolId = switch (options.get("pool_id")) {
            case null -> library.defaultPoolId();
            case String s when !s.isEmpty() -> s;
            case Object other -> throw args.argError(1, "field 'pool_id': non-empty string expected, got "
                    + (other instanceof String ? "empty string" : Values.typeName(other)));
        };
        PoolSettings settings = defaults.with(options, false,
                (field, problem) -> args.argError(1, "field '" + field + "': " + problem));
        Set<String> unknown = new TreeSet<>(options.keySet());
        unknown.remove("pool_id");
        unknown.removeAll(PoolSettings.OPTIONS);
        if (!unknown.isEmpty()) {
            log.warn("{}: ignoring unknown options {} for pool {}", args.function(), unknown, poolId);
        }
        if (settings.ssl() && library.dialect() == SqlLibrary.Dialect.MARIADB && !settings.keyfile().isEmpty()) {
            log.warn("{}: keyfile is ignored for pool {}: give certfile as a PKCS#12 key store with certificate and key",
                    args.function(), poolId);
        }
        try {
            pools.ensure(poolId, SqlPool.class, () -> SqlPool.open(library, poolId, settings));
        } catch (ProviderException e) {
            throw args.error(e.getMessage());
        }
        return true;
    }

    private Object execute(Arguments args) {
        String poolId = args.string(1);
        String sql = args.string(2);
        SqlPool pool;
        try {
            pool = pools.get(poolId, SqlPool.class);
        } catch (ProviderException e) {
            throw args.error(e.getMessage());
        }
        ScriptStatement statement = ScriptStatement.parse(library.dialect(), sql);
        List<Object> values = values(args);
        if (values.size() != statement.parameterCount()) {
            throw args.error(mismatch(statement.parameterCount(), values.size()));
        }
        try {
            return pool.execute(sql, statement, values);
        } catch (SqlPool.BackendError e) {
            // The statement, not its values: they may be passwords.
            log.warn("{}: the server refused a statement on pool {}: SQLState {}, error {}: {}", args.function(), poolId,
                    e.sqlState(), e.vendorCode(), sql);
            return false;
        } catch (SqlPool.Unavailable e) {
            throw args.error("pool " + poolId + " " + e.getMessage());
        }
    }

    private String mismatch(int expected, int given) {
        String placeholders = library.dialect() == SqlLibrary.Dialect.POSTGRES
                ? (expected == 0 ? "no parameters" : "parameters up to $" + expected)
                : expected + " ? placeholder" + (expected == 1 ? "" : "s");
        return "the statement has " + placeholders + ", but " + given + " value" + (given == 1 ? " was" : "s were")
                + " given";
    }

    private static List<Object> values(Arguments args) {
        List<Object> values = new ArrayList<>(Math.max(0, args.size() - FIRST_VALUE + 1));
        for (int position = FIRST_VALUE; position <= args.size(); position++) {
            Object value = args.get(position);
            if (value instanceof Map<?, ?> || value instanceof List<?>) {
                throw args.argError(position, "string, number, boolean or nil expected, got " + Values.typeName(value));
            }
            values.add(value);
        }
        return values;
    }
}
