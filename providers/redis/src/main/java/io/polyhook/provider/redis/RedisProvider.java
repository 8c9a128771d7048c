package io.polyhook.provider.redis;

import io.polyhook.core.provider.Arguments;
import io.polyhook.core.provider.DataProvider;
import io.polyhook.core.provider.PoolRegistry;
import io.polyhook.core.provider.ProviderException;
import io.polyhook.core.provider.Values;
import org.slf4j.Logger;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisDataException;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The functions of the {@code redis} library over the node's pools. */
final class RedisProvider {

    static final String DEFAULT_POOL = "pool_redis";
    private static final Set<String> OPTIONS = union(PoolSettings.FIELDS, Set.of("pool_id"));
    private static final byte[] OK = {'O', 'K'};

    /**
     * Commands that change the state of the connection they run on. On a pooled connection
     * that state would leak into the next caller's commands (a MULTI would queue them, a
     * SELECT would switch their database), so they are refused.
     */
    private static final Set<String> CONNECTION_STATE_COMMANDS = Set.of("AUTH", "HELLO", "SELECT", "QUIT", "RESET",
            "MULTI", "EXEC", "DISCARD", "WATCH", "UNWATCH", "SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE", "UNSUBSCRIBE",
            "PUNSUBSCRIBE", "SUNSUBSCRIBE", "MONITOR", "READONLY", "READWRITE", "SYNC", "PSYNC");

    private final PoolRegistry pools;
    private final PoolSettings defaults;
    private final Logger log;

    private RedisProvider(PoolRegistry pools, PoolSettings defaults, Logger log) {
        this.pools = pools;
        this.defaults = defaults;
        this.log = log;
    }

    static DataProvider create(PoolRegistry pools, PoolSettings defaults, Logger log) {
        RedisProvider redis = new RedisProvider(pools, defaults, log);
        return DataProvider.builder("redis")
                .function("ensure_pool", redis::ensurePool)
                .function("cmd", redis::cmd)
                .build();
    }

    private Object ensurePool(Arguments args) {
        return pools.ensureFromScript(args, "redis", DEFAULT_POOL, OPTIONS, log, RedisPool.class, options -> {
            PoolSettings settings = defaults.with(options.fields(), options::error);
            return () -> new RedisPool(settings);
        });
    }

    private Object cmd(Arguments args) {
        String poolId = args.string(1);
        RedisPool pool;
        try {
            pool = pools.get(poolId, RedisPool.class);
        } catch (ProviderException e) {
            throw args.error(e.getMessage());
        }
        List<byte[]> words = commandLine(args);
        String name = new String(words.getFirst(), StandardCharsets.UTF_8).toUpperCase(Locale.ROOT);
        if (CONNECTION_STATE_COMMANDS.contains(name)) {
            throw args.argError(2, name + " is not supported on pooled connections");
        }
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        ProtocolCommand command = () -> nameBytes;
        byte[][] arguments = words.subList(1, words.size()).toArray(new byte[0][]);
        Object reply;
        try {
            reply = pool.send(command, arguments);
        } catch (JedisDataException e) {
            // vmq_diversity's answer to an error reply. The reply names the problem, not values.
            log.debug("redis.cmd {} on pool {}: error reply {}", name, poolId, e.getMessage());
            return false;
        } catch (RedisPool.Unavailable e) {
            throw args.error("pool " + poolId + ": " + e.getMessage());
        }
        return reply(reply);
    }

    /**
     * The command string split on spaces (runs of spaces count as one), then every further
     * argument: strings and numbers as one word each, arrays element by element, maps as
     * key, value pairs.
     */
    private static List<byte[]> commandLine(Arguments args) {
        List<byte[]> words = new ArrayList<>();
        for (String word : args.string(2).split(" ")) {
            if (!word.isEmpty()) {
                words.add(word.getBytes(StandardCharsets.UTF_8));
            }
        }
        if (words.isEmpty()) {
            throw args.argError(2, "command expected, got an empty string");
        }
        for (int position = 3; position <= args.size(); position++) {
            switch (args.get(position)) {
                case List<?> list -> {
                    for (Object element : list) {
                        words.add(word(args, position, element));
                    }
                }
                case Map<?, ?> map -> {
                    for (Map.Entry<?, ?> entry : map.entrySet()) {
                        words.add(word(args, position, entry.getKey()));
                        words.add(word(args, position, entry.getValue()));
                    }
                }
                case Object value -> words.add(word(args, position, value));
            }
        }
        return words;
    }

    private static byte[] word(Arguments args, int position, Object value) {
        return switch (value) {
            case String s -> s.getBytes(StandardCharsets.UTF_8);
            case byte[] b -> b;
            case Long l -> l.toString().getBytes(StandardCharsets.US_ASCII);
            case Double d when d == Math.rint(d) && Math.abs(d) < 0x1p53 ->
                    Long.toString(d.longValue()).getBytes(StandardCharsets.US_ASCII);
            case Double d -> d.toString().getBytes(StandardCharsets.US_ASCII);
            case null, default -> throw args.argError(position, "string, number or flat table expected, got "
                    + Values.typeName(value));
        };
    }

    /**
     * vmq_diversity's reply mapping: {@code OK} is {@code true}, no value is {@code nil}, an
     * array stays an array, everything else (bulk strings, integers) is a string.
     */
    static Object reply(Object raw) {
        if (raw instanceof byte[] b && Arrays.equals(b, OK)) {
            return true;
        }
        return element(raw);
    }

    private static Object element(Object raw) {
        return switch (raw) {
            case null -> null;
            case byte[] b -> text(b);
            case List<?> list -> {
                List<Object> out = new ArrayList<>(list.size());
                for (Object e : list) {
                    out.add(element(e));
                }
                yield out;
            }
            default -> raw.toString();
        };
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

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }
}
