package io.polyhook.core.provider;

import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Typed reading of one layer of options: a script's options table, such as the one
 * {@code ensure_pool} takes, or a provider's {@code providers.<name>} config section. Pool
 * settings are typically read from the config section first and then from the script's table,
 * each field of the second overriding the first.
 *
 * <p>Each reader returns its {@code def} when the field is absent ({@code nil}) and throws the
 * exception {@code error} makes from the field's name and the problem when the field has the
 * wrong shape: {@code "port", "an integer from 1 to 65535 expected, got 'six'"}.
 * {@link #forArgument} and {@link #forConfig} make the usual errors for the two layers.
 *
 * <p>Problems show numbers and strings of up to 40 characters as given, and only the type of
 * anything else. {@link #string} and {@link #nonEmpty} never show the value, so they also read
 * passwords; {@link #choice} does show it.
 *
 * <p>Numbers are lenient as in {@link Arguments}: a {@code Double} with an integral value counts
 * as an integer. Nothing else is coerced: a string is not a number, a number is not a string.
 */
public final class ProviderOptions {

    private static final Pattern DURATION = Pattern.compile("(\\d{1,12})\\s*(ms|s|m|h)?");
    // Longer strings are shown by their type only, which keeps a message to one short line.
    private static final int MAX_SHOWN = 40;

    private final Map<String, Object> fields;
    private final BiFunction<String, String, ? extends RuntimeException> error;

    private ProviderOptions(Map<String, Object> fields, BiFunction<String, String, ? extends RuntimeException> error) {
        this.fields = Collections.unmodifiableMap(Objects.requireNonNull(fields, "fields"));
        this.error = Objects.requireNonNull(error, "error");
    }

    /**
     * The options {@code fields} (model values, see {@link Values}; not copied), failing with the
     * exception {@code error} makes from a field's name and its problem.
     */
    public static ProviderOptions of(Map<String, Object> fields,
                                     BiFunction<String, String, ? extends RuntimeException> error) {
        return new ProviderOptions(fields, error);
    }

    /**
     * The options table a script passed as argument {@code position}, or no options if it
     * passed {@code nil}; fails like {@link Arguments#optMap(int)} if it passed something else.
     * Errors read {@code redis.ensure_pool: bad argument #1 (field 'port': an integer from 1 to
     * 65535 expected, got 'six')}.
     */
    public static ProviderOptions forArgument(Arguments args, int position) {
        return new ProviderOptions(args.optMap(position),
                (field, problem) -> args.argError(position, "field '" + field + "': " + problem));
    }

    /**
     * The provider's config section, {@link ProviderContext#defaults()}. Errors are
     * {@link IllegalArgumentException}s that name the key in the config:
     * {@code providers.redis.port: an integer from 1 to 65535 expected, got 'six'}.
     */
    public static ProviderOptions forConfig(ProviderContext context) {
        String section = "providers." + context.name();
        return new ProviderOptions(context.defaults(),
                (field, problem) -> new IllegalArgumentException(section + "." + field + ": " + problem));
    }

    /** The options as an unmodifiable map. */
    public Map<String, Object> fields() {
        return fields;
    }

    /** Whether {@code field} is present (not {@code nil}). */
    public boolean has(String field) {
        return fields.get(field) != null;
    }

    /**
     * Logs a warning naming the fields that are not in {@code known}: unknown options are ignored,
     * as in vmq_diversity, but they are most likely typos. {@code where} names the call, e.g.
     * {@code "redis.ensure_pool"} and the pool.
     */
    public void warnUnknown(Set<String> known, org.slf4j.Logger log, String where) {
        Set<String> unknown = unknown(known);
        if (!unknown.isEmpty()) {
            log.warn("{}: ignoring unknown options {}", where, unknown);
        }
    }

    /** The fields present that are not in {@code known}, sorted, for a warning. */
    public Set<String> unknown(Set<String> known) {
        Set<String> unknown = new TreeSet<>(fields.keySet());
        unknown.removeAll(known);
        return unknown;
    }

    /**
     * The error for {@code field}, for checks the readers do not cover:
     * {@code error("keyfile", "needed with certfile")}. Throw it.
     */
    public RuntimeException error(String field, String problem) {
        return error.apply(field, problem);
    }

    /** A string, or {@code def} if absent; the value is never shown in the error, so this also reads passwords. */
    public String string(String field, String def) {
        return switch (fields.get(field)) {
            case null -> def;
            case String s -> s;
            case Object other -> throw error(field, "string expected, got " + Values.typeName(other));
        };
    }

    /** A non-empty string, or {@code def} if absent. */
    public String nonEmpty(String field, String def) {
        String value = string(field, def);
        if (value != null && value.isEmpty()) {
            throw error(field, "non-empty string expected, got empty string");
        }
        return value;
    }

    /** An integer in [{@code min}, {@code max}], or {@code def} if absent; a float with an integral value counts. */
    public int integer(String field, int min, int max, int def) {
        Object value = fields.get(field);
        if (value == null) {
            return def;
        }
        Long n = toLong(value);
        if (n == null || n < min || n > max) {
            throw error(field, "an integer from " + min + " to " + max + " expected, got " + shown(value));
        }
        return n.intValue();
    }

    /** A boolean, or {@code def} if absent; nothing else counts (no truthiness). */
    public boolean bool(String field, boolean def) {
        return switch (fields.get(field)) {
            case null -> def;
            case Boolean b -> b;
            case Object other -> throw error(field, "boolean expected, got " + shown(other));
        };
    }

    /** One of {@code choices}, compared exactly, or {@code def} if absent. */
    public String choice(String field, Set<String> choices, String def) {
        String value = string(field, def);
        if (value != null && !choices.contains(value)) {
            throw error(field, "one of " + new TreeSet<>(choices) + " expected, got " + shown(value));
        }
        return value;
    }

    /**
     * A positive duration (see {@link #parseDuration(Object)}), or {@code def} if absent.
     */
    public Duration duration(String field, Duration def) {
        Object value = fields.get(field);
        if (value == null) {
            return def;
        }
        Duration duration = parseDuration(value);
        if (duration == null) {
            throw error(field, "a duration expected (milliseconds, or a string such as \"500ms\" or \"5s\"), got "
                    + shown(value));
        }
        return duration;
    }

    /**
     * A positive duration: a number of milliseconds, or a string of digits with an optional
     * unit ({@code ms}, {@code s}, {@code m}, {@code h}; milliseconds without one), e.g.
     * {@code "500ms"}, {@code "5s"}, {@code 1500}. {@code null} if {@code value} is none of
     * these or is zero.
     */
    public static Duration parseDuration(Object value) {
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
        Long millis = toLong(value);
        return millis == null || millis < 1 ? null : Duration.ofMillis(millis);
    }

    // Only doubles that are exact longs: beyond 2^53 a double no longer says which integer was meant.
    private static Long toLong(Object value) {
        return switch (value) {
            case Long l -> l;
            case Double d when d == Math.rint(d) && Math.abs(d) < 0x1p53 -> d.longValue();
            case null, default -> null;
        };
    }

    private static String shown(Object value) {
        return value instanceof Long || value instanceof Double ? value.toString()
                : value instanceof String s && s.length() <= MAX_SHOWN ? "'" + s + "'" : Values.typeName(value);
    }

    /** Shows the names of the fields, never their values: they may be passwords. */
    @Override
    public String toString() {
        return "ProviderOptions" + new TreeSet<>(fields.keySet());
    }
}
