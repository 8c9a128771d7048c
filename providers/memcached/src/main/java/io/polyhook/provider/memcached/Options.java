package io.polyhook.provider.memcached;

import io.polyhook.core.provider.Values;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Typed reading of one layer of pool options: a script's {@code ensure_pool} table or the
 * {@code providers.<name>} config section. Each reader returns {@code def} when the field is
 * absent and fails through {@code error} (field name, problem) when it has the wrong shape.
 * Problems show numbers and short strings as given but never the value of a secret field.
 */
final class Options {

    private static final Pattern DURATION = Pattern.compile("(\\d{1,12})\\s*(ms|s|m|h)?");

    private final Map<String, Object> fields;
    private final BiFunction<String, String, ? extends RuntimeException> error;

    Options(Map<String, Object> fields, BiFunction<String, String, ? extends RuntimeException> error) {
        this.fields = fields;
        this.error = error;
    }

    boolean has(String field) {
        return fields.get(field) != null;
    }

    /** The fields present that are not in {@code known}. */
    Set<String> unknown(Set<String> known) {
        Set<String> unknown = new TreeSet<>(fields.keySet());
        unknown.removeAll(known);
        return unknown;
    }

    RuntimeException error(String field, String problem) {
        return error.apply(field, problem);
    }

    /** A string; the value is never shown in the error, so this also reads passwords. */
    String string(String field, String def) {
        return switch (fields.get(field)) {
            case null -> def;
            case String s -> s;
            case Object other -> throw error(field, "string expected, got " + Values.typeName(other));
        };
    }

    /** A non-empty string. */
    String nonEmpty(String field, String def) {
        String value = string(field, def);
        if (value != null && value.isEmpty()) {
            throw error(field, "non-empty string expected, got empty string");
        }
        return value;
    }

    /** An integer in [min, max]; a float with an integral value counts. */
    int integer(String field, int min, int max, int def) {
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

    boolean bool(String field, boolean def) {
        return switch (fields.get(field)) {
            case null -> def;
            case Boolean b -> b;
            case Object other -> throw error(field, "boolean expected, got " + shown(other));
        };
    }

    /** One of {@code choices}, compared exactly. */
    String choice(String field, Set<String> choices, String def) {
        String value = string(field, def);
        if (value != null && !choices.contains(value)) {
            throw error(field, "one of " + new TreeSet<>(choices) + " expected, got " + shown(value));
        }
        return value;
    }

    /**
     * A positive duration: milliseconds as a number, or a string of digits with an optional
     * unit ({@code ms}, {@code s}, {@code m}, {@code h}; milliseconds without one).
     */
    Duration duration(String field, Duration def) {
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
        Long millis = toLong(value);
        return millis == null || millis < 1 ? null : Duration.ofMillis(millis);
    }

    private static Long toLong(Object value) {
        return switch (value) {
            case Long l -> l;
            case Double d when d == Math.rint(d) && Math.abs(d) < 0x1p53 -> d.longValue();
            case null, default -> null;
        };
    }

    private static String shown(Object value) {
        return value instanceof Long || value instanceof Double ? value.toString()
                : value instanceof String s && s.length() <= 40 ? "'" + s + "'" : Values.typeName(value);
    }
}
