package io.polyhook.provider.memcached;

import io.polyhook.core.provider.Arguments;
import io.polyhook.core.provider.DataProvider;
import io.polyhook.core.provider.PoolRegistry;
import io.polyhook.core.provider.ProviderException;
import org.slf4j.Logger;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/** The functions of the {@code memcached} library over the node's pools. */
final class MemcachedProvider {

    static final String DEFAULT_POOL = "pool_memcached";
    private static final Set<String> OPTIONS;

    static {
        Set<String> options = new HashSet<>(PoolSettings.FIELDS);
        options.add("pool_id");
        OPTIONS = Set.copyOf(options);
    }

    private final PoolRegistry pools;
    private final PoolSettings defaults;
    private final Logger log;

    private MemcachedProvider(PoolRegistry pools, PoolSettings defaults, Logger log) {
        this.pools = pools;
        this.defaults = defaults;
        this.log = log;
    }

    static DataProvider create(PoolRegistry pools, PoolSettings defaults, Logger log) {
        MemcachedProvider memcached = new MemcachedProvider(pools, defaults, log);
        return DataProvider.builder("memcached")
                .function("ensure_pool", memcached::ensurePool)
                .function("flush_all", memcached::flushAll)
                .function("get", memcached::get)
                .function("set", args -> memcached.store("set", args))
                .function("add", args -> memcached.store("add", args))
                .function("replace", args -> memcached.store("replace", args))
                .function("delete", memcached::delete)
                .build();
    }

    private Object ensurePool(Arguments args) {
        return pools.ensureFromScript(args, "memcached", DEFAULT_POOL, OPTIONS, log, MemcachedPool.class, options -> {
            PoolSettings settings = defaults.with(options.fields(), options::error);
            return () -> new MemcachedPool(settings);
        });
    }

    private Object flushAll(Arguments args) {
        run(args, connection -> {
            connection.flushAll();
            return null;
        });
        return true;
    }

    /** get(pool, key): the value, or false if there is none. */
    private Object get(Arguments args) {
        byte[] key = key(args);
        byte[] value = run(args, connection -> connection.get(key));
        return value == null ? false : text(McdEncoding.decodeValue(value));
    }

    /** set, add, replace(pool, key, value[, exptime]): the value if stored, else false. */
    private Object store(String command, Arguments args) {
        byte[] key = key(args);
        byte[] value = McdEncoding.value(args.bytes(3));
        long exptime = args.optLong(4, 0);
        if (exptime < 0 || exptime > 0xFFFF_FFFFL) {
            throw args.argError(4, "expiration time in seconds expected, got " + exptime);
        }
        boolean stored = run(args, connection -> connection.store(command, key, value, exptime));
        return stored ? args.get(3) : false;
    }

    /** delete(pool, key): whether there was such an item. */
    private Object delete(Arguments args) {
        byte[] key = key(args);
        return run(args, connection -> connection.delete(key));
    }

    private <T> T run(Arguments args, MemcachedPool.Command<T> command) {
        String poolId = args.string(1);
        MemcachedPool pool;
        try {
            pool = pools.get(poolId, MemcachedPool.class);
        } catch (ProviderException e) {
            throw args.error(e.getMessage());
        }
        try {
            return pool.run(command);
        } catch (MemcachedPool.Unavailable | MemcachedConnection.ProtocolException e) {
            throw args.error("pool " + poolId + ": " + e.getMessage());
        }
    }

    /** The key at argument 2, any string, as vmq_diversity sends it ({@link McdEncoding#key}). */
    private static byte[] key(Arguments args) {
        return McdEncoding.key(args.bytes(2));
    }

    // Text when it is UTF-8, so scripts and JSON see a string; bytes otherwise (a Lua string either way).
    private static Object text(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException binary) {
            return bytes;
        }
    }
}
