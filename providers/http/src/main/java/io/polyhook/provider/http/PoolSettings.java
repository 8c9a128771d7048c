package io.polyhook.provider.http;

import io.polyhook.core.provider.ProviderOptions;

import java.time.Duration;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * What an HTTP pool is made with: how many requests it runs at once and its timeouts. Read
 * from the {@code providers.http} config section, then from a script's {@code ensure_pool}
 * table, which overrides it field by field.
 */
record PoolSettings(int size, Duration connectTimeout, Duration requestTimeout) {

    static final String SIZE = "size";
    static final String CONNECT_TIMEOUT = "connect_timeout";
    static final String REQUEST_TIMEOUT = "request_timeout";

    /** vmq_diversity's size; timeouts within the default 5 s hook deadline. */
    static final PoolSettings BUILT_IN = new PoolSettings(10, Duration.ofSeconds(5), Duration.ofSeconds(5));

    private static final int MAX_SIZE = 10_000;

    /**
     * These settings with the fields present in {@code fields} replaced.
     *
     * @param error makes the exception for a bad field from its name and what is wrong with it
     */
    PoolSettings with(Map<String, Object> fields, BiFunction<String, String, ? extends RuntimeException> error) {
        ProviderOptions o = ProviderOptions.of(fields, error);
        return new PoolSettings(o.integer(SIZE, 1, MAX_SIZE, size), o.duration(CONNECT_TIMEOUT, connectTimeout),
                o.duration(REQUEST_TIMEOUT, requestTimeout));
    }
}
