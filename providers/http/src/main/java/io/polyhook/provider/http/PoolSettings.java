package io.polyhook.provider.http;

import io.polyhook.core.provider.Values;

import java.time.Duration;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
    private static final Pattern DURATION = Pattern.compile("(\\d{1,12})\\s*(ms|s|m|h)?");

    /**
     * These settings with the fields present in {@code fields} replaced.
     *
     * @param error makes the exception for a bad field from its name and what is wrong with it
     */
    <E extends RuntimeException> PoolSettings with(Map<String, Object> fields, BiFunction<String, String, E> error) {
        int size = this.size;
        Object sizeValue = fields.get(SIZE);
        if (sizeValue != null) {
            Long n = integer(sizeValue);
            if (n == null || n < 1 || n > MAX_SIZE) {
                throw error.apply(SIZE, "an integer from 1 to " + MAX_SIZE + " expected, got " + shown(sizeValue));
            }
            size = n.intValue();
        }
        return new PoolSettings(size, duration(fields, CONNECT_TIMEOUT, connectTimeout, error),
                duration(fields, REQUEST_TIMEOUT, requestTimeout, error));
    }

    private static <E extends RuntimeException> Duration duration(Map<String, Object> fields, String field, Duration def,
                                                                  BiFunction<String, String, E> error) {
        Object value = fields.get(field);
        if (value == null) {
            return def;
        }
        Duration duration = parseDuration(value);
        if (duration == null) {
            throw error.apply(field, "a duration expected (milliseconds, or a string such as \"500ms\" or \"5s\"), got "
                    + shown(value));
        }
        return duration;
    }

    /**
     * A positive duration: a number of milliseconds, or a string of digits with an optional
     * unit ({@code ms}, {@code s}, {@code m}, {@code h}; milliseconds without one). {@code null}
     * if {@code value} is none of these.
     */
    static Duration parseDuration(Object value) {
        if (value instanceof String s) {
            Matcher m = DURATION.matcher(s.strip());
            if (!m.matches()) {
                return null;
            }
            long amount = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2) == null ? "ms" : m.group(2)) {
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofMillis(amount);
            };
            return d.isZero() ? null : d;
        }
        Long millis = integer(value);
        return millis == null || millis < 1 ? null : Duration.ofMillis(millis);
    }

    private static Long integer(Object value) {
        return switch (value) {
            case Long l -> l;
            case Double d when d == Math.rint(d) && Math.abs(d) < 0x1p53 -> d.longValue();
            case null, default -> null;
        };
    }

    private static String shown(Object value) {
        return value instanceof Long || value instanceof Double ? value.toString()
                : value instanceof String s ? "'" + s + "'" : Values.typeName(value);
    }
}
