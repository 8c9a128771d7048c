package io.polyhook.provider.redis;

import io.polyhook.core.provider.ProviderOptions;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * What a Redis pool is made with. Read from the {@code providers.redis} config section, then
 * from a script's {@code ensure_pool} table, which overrides it field by field.
 *
 * @param user sent with AUTH only if non-empty (Redis 5 knows no users)
 * @param password never shown by {@link #toString()}
 * @param connectTimeout how long opening a connection may take: a down backend fails this fast
 * @param commandTimeout how long one command may wait for its reply
 * @param poolTimeout how long a call waits for one of the {@code size} connections to be free
 */
record PoolSettings(String host, int port, String user, String password, int database, int size,
                    Duration connectTimeout, Duration commandTimeout, Duration poolTimeout) {

    static final String HOST = "host";
    static final String PORT = "port";
    static final String USER = "user";
    static final String PASSWORD = "password";
    static final String DATABASE = "database";
    static final String SIZE = "size";
    /** The config file's name for {@link #SIZE}, as in vmq_diversity's {@code redis.pool_size}. */
    static final String POOL_SIZE = "pool_size";
    static final String CONNECT_TIMEOUT = "connect_timeout";
    static final String COMMAND_TIMEOUT = "command_timeout";
    static final String POOL_TIMEOUT = "pool_timeout";

    static final Set<String> FIELDS = Set.of(HOST, PORT, USER, PASSWORD, DATABASE, SIZE, POOL_SIZE,
            CONNECT_TIMEOUT, COMMAND_TIMEOUT, POOL_TIMEOUT);

    /** vmq_diversity's defaults; timeouts short enough to fail inside the 5 s hook deadline. */
    static final PoolSettings BUILT_IN = new PoolSettings("localhost", 6379, "", "", 0, 5,
            Duration.ofMillis(1500), Duration.ofSeconds(5), Duration.ofSeconds(5));

    /** These settings with the fields present in {@code fields} replaced. */
    PoolSettings with(Map<String, Object> fields, BiFunction<String, String, ? extends RuntimeException> error) {
        ProviderOptions o = ProviderOptions.of(fields, error);
        int size = o.integer(POOL_SIZE, 1, 10_000, this.size);
        return new PoolSettings(
                o.nonEmpty(HOST, host),
                o.integer(PORT, 1, 65_535, port),
                o.string(USER, user),
                o.string(PASSWORD, password),
                o.integer(DATABASE, 0, Integer.MAX_VALUE, database),
                o.integer(SIZE, 1, 10_000, size),
                o.duration(CONNECT_TIMEOUT, connectTimeout),
                o.duration(COMMAND_TIMEOUT, commandTimeout),
                o.duration(POOL_TIMEOUT, poolTimeout));
    }

    @Override
    public String toString() {
        return "PoolSettings[" + host + ":" + port + "/" + database + ", user=" + (user.isEmpty() ? "-" : user)
                + ", password=" + (password.isEmpty() ? "-" : "***") + ", size=" + size
                + ", connectTimeout=" + connectTimeout + ", commandTimeout=" + commandTimeout
                + ", poolTimeout=" + poolTimeout + "]";
    }
}
