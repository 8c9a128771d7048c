package io.polyhook.provider.kv;

import io.polyhook.core.provider.Arguments;
import io.polyhook.core.provider.ProviderException;
import io.polyhook.core.provider.Values;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The fields of an options table argument, such as {@code kv.ensure_table{name=..., type=...}},
 * read with errors that name the function, the argument and the field.
 */
final class TableOptions {

    private final Arguments args;
    private final int position;
    private final Map<String, Object> fields;

    TableOptions(Arguments args, int position) {
        this.args = args;
        this.position = position;
        this.fields = args.optMap(position);
    }

    String optString(String field, String def) {
        return switch (fields.get(field)) {
            case null -> def;
            case String s -> s;
            case Object other -> throw typeError(field, "string", other);
        };
    }

    boolean optBoolean(String field, boolean def) {
        return switch (fields.get(field)) {
            case null -> def;
            case Boolean b -> b;
            case Object other -> throw typeError(field, "boolean", other);
        };
    }

    /** A number, or {@code null} if the field is absent. */
    Double optNumber(String field) {
        return switch (fields.get(field)) {
            case null -> null;
            case Long l -> l.doubleValue();
            case Double d -> d;
            case Object other -> throw typeError(field, "number", other);
        };
    }

    /** An integer (or an integral float), or {@code null} if the field is absent. */
    Long optInteger(String field) {
        Double number = optNumber(field);
        if (number == null) {
            return null;
        }
        if (fields.get(field) instanceof Long l) {
            return l;
        }
        if (number != Math.rint(number) || Double.isInfinite(number)) {
            throw error(field, "integer expected, got " + number);
        }
        return number.longValue();
    }

    /** The fields that are not in {@code known}, sorted. */
    Set<String> unknown(Set<String> known) {
        Set<String> unknown = new TreeSet<>(fields.keySet());
        unknown.removeAll(known);
        return unknown;
    }

    ProviderException error(String field, String message) {
        return args.argError(position, "field '" + field + "': " + message);
    }

    private ProviderException typeError(String field, String expected, Object got) {
        return error(field, expected + " expected, got " + Values.typeName(got));
    }
}
