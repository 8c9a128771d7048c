package io.polyhook.provider.memcached;

import io.polyhook.core.provider.ProviderOptions;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * What a memcached pool is made with. Read from the {@code providers.memcached} config
 * section, then from a script's {@code ensure_pool} table, which overrides it field by field.
 *
 * @param size how many connections the pool holds at most
 * @param connectTimeout how long opening a connection may take: a down server fails this fast
 * @param commandTimeout how long one command may wait for its reply
 * @param poolTimeout how long a call waits for one of the {@code size} connections to be free
 */
record PoolSettings(String host, int port, int size, Duration connectTimeout, Duration commandTimeout,
                    Duration poolTimeout) {

    static final Set<String> FIELDS = Set.of("host", "port", "size", "pool_size", "connect_timeout",
            "command_timeout", "pool_timeout");

    /** vmq_diversity's defaults; timeouts short enough to fail inside the 5 s hook deadline. */
    static final PoolSettings BUILT_IN = new PoolSettings("127.0.0.1", 11211, 5, Duration.ofMillis(1500),
            Duration.ofSeconds(3), Duration.ofSeconds(3));

    /** These settings with the fields present in {@code fields} replaced. */
    PoolSettings with(Map<String, Object> fields, BiFunction<String, String, ? extends RuntimeException> error) {
        ProviderOptions o = ProviderOptions.of(fields, error);
        return new PoolSettings(
                o.nonEmpty("host", host),
                o.integer("port", 1, 65_535, port),
                o.integer("size", 1, 10_000, o.integer("pool_size", 1, 10_000, size)),
                o.duration("connect_timeout", connectTimeout),
                o.duration("command_timeout", commandTimeout),
                o.duration("pool_timeout", poolTimeout));
    }
}
