package io.polyhook.core.provider;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The arguments of one call of a {@link ProviderFunction}: an immutable list of model values
 * (see {@link Values}) with typed accessors that fail the way Lua's own library functions do.
 *
 * <p>Positions are 1-based, as script authors count them, so the number in the code is the
 * number in the message: {@code args.map(2)} on a string fails with
 * {@code kv.insert: bad argument #2 (table expected, got string)}. A position past the last
 * argument reads as {@code nil} ("got no value" in messages), as in Lua.
 *
 * <p>Numbers are lenient the way Lua numbers are: a {@code Double} with an integral value is
 * accepted where an integer is expected, and a {@code Long} where a float is. Nothing else is
 * coerced: a number is not a string, a string is not a boolean.
 *
 * <p>Because a script's empty table or object cannot tell whether it is an array or a map,
 * {@link #map} accepts an empty list and {@link #list} an empty map.
 */
public final class Arguments {

    private final String function;
    private final List<Object> values;

    private Arguments(String function, List<Object> values) {
        this.function = function;
        this.values = values;
    }

    /**
     * The arguments {@code values} (model values, copied) of a call of {@code function}, the
     * name scripts use in messages: {@code "kv.insert"}.
     */
    public static Arguments of(String function, List<?> values) {
        Objects.requireNonNull(function, "function");
        // List.copyOf rejects null, and nil is an ordinary argument.
        return new Arguments(function, Collections.unmodifiableList(new ArrayList<>(values)));
    }

    /** The arguments {@code values} of a call of {@code function}; see {@link #of(String, List)}. */
    public static Arguments of(String function, Object... values) {
        return of(function, Arrays.asList(values));
    }

    /** The function's name as scripts see it, e.g. {@code kv.insert}. */
    public String function() {
        return function;
    }

    /** The number of arguments passed, trailing {@code nil}s included. */
    public int size() {
        return values.size();
    }

    /** The arguments as an unmodifiable list (0-based, unlike the accessors). */
    public List<Object> values() {
        return values;
    }

    /** The argument at 1-based {@code position}, or {@code null} if it is {@code nil} or absent. */
    public Object get(int position) {
        checkPosition(position);
        return position <= values.size() ? values.get(position - 1) : null;
    }

    /** Whether the argument is {@code nil} or absent. */
    public boolean isNil(int position) {
        return get(position) == null;
    }

    /** Whether the argument is a boolean. */
    public boolean isBool(int position) {
        return get(position) instanceof Boolean;
    }

    /** Whether the argument is a number (a {@code Long} or a {@code Double}). */
    public boolean isNumber(int position) {
        Object value = get(position);
        return value instanceof Long || value instanceof Double;
    }

    /** Whether the argument is an integer: a {@code Long}, or a {@code Double} with an integral value. */
    public boolean isInteger(int position) {
        Object value = get(position);
        return value instanceof Long || value instanceof Double d && toLong(d) != null;
    }

    /** Whether the argument is a string. */
    public boolean isString(int position) {
        return get(position) instanceof String;
    }

    /** Whether the argument is binary data ({@code byte[]}). */
    public boolean isBinary(int position) {
        return get(position) instanceof byte[];
    }

    /** Whether the argument is a map (a table with string keys). */
    public boolean isMap(int position) {
        return get(position) instanceof Map;
    }

    /** Whether the argument is a list (an array). */
    public boolean isList(int position) {
        return get(position) instanceof List;
    }

    /** The argument as a string; fails unless it is one. */
    public String string(int position) {
        if (get(position) instanceof String s) {
            return s;
        }
        throw typeError(position, "string");
    }

    /** The argument as a string, or {@code def} if it is {@code nil}. */
    public String optString(int position, String def) {
        return isNil(position) ? def : string(position);
    }

    /**
     * The argument as bytes: a string as its UTF-8 encoding, binary data as a copy. Use it
     * where scripts pass payloads or passwords, which in Lua may be any bytes.
     */
    public byte[] bytes(int position) {
        return switch (get(position)) {
            case String s -> s.getBytes(StandardCharsets.UTF_8);
            case byte[] b -> b.clone();
            case null, default -> throw typeError(position, "string");
        };
    }

    /** The argument as bytes (see {@link #bytes(int)}), or {@code def} if it is {@code nil}. */
    public byte[] optBytes(int position, byte[] def) {
        return isNil(position) ? def : bytes(position);
    }

    /** The argument as a long; fails unless it is an integer, or a float with an integral value. */
    public long longValue(int position) {
        switch (get(position)) {
            case Long l -> {
                return l;
            }
            case Double d -> {
                Long l = toLong(d);
                if (l == null) {
                    throw argError(position, "number has no integer representation");
                }
                return l;
            }
            case null, default -> throw typeError(position, "number");
        }
    }

    /** The argument as a long (see {@link #longValue(int)}), or {@code def} if it is {@code nil}. */
    public long optLong(int position, long def) {
        return isNil(position) ? def : longValue(position);
    }

    /** The argument as an int (see {@link #longValue(int)}); fails if it is out of int range. */
    public int intValue(int position) {
        long value = longValue(position);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw argError(position, "number out of range");
        }
        return (int) value;
    }

    /** The argument as an int (see {@link #intValue(int)}), or {@code def} if it is {@code nil}. */
    public int optInt(int position, int def) {
        return isNil(position) ? def : intValue(position);
    }

    /** The argument as a double; fails unless it is a number. */
    public double doubleValue(int position) {
        return switch (get(position)) {
            case Double d -> d;
            case Long l -> l.doubleValue();
            case null, default -> throw typeError(position, "number");
        };
    }

    /** The argument as a double, or {@code def} if it is {@code nil}. */
    public double optDouble(int position, double def) {
        return isNil(position) ? def : doubleValue(position);
    }

    /** The argument as a boolean; fails unless it is one (no truthiness: {@code 0} is not false). */
    public boolean bool(int position) {
        if (get(position) instanceof Boolean b) {
            return b;
        }
        throw typeError(position, "boolean");
    }

    /** The argument as a boolean, or {@code def} if it is {@code nil}. */
    public boolean optBool(int position, boolean def) {
        return isNil(position) ? def : bool(position);
    }

    /**
     * The argument as an unmodifiable map (a table with string keys); an empty list counts as
     * an empty map. Fails for anything else, including a non-empty array.
     */
    @SuppressWarnings("unchecked")
    public Map<String, Object> map(int position) {
        return switch (get(position)) {
            case Map<?, ?> m -> Collections.unmodifiableMap((Map<String, Object>) m);
            case List<?> l when l.isEmpty() -> Map.of();
            case null, default -> throw typeError(position, "table");
        };
    }

    /** The argument as a map (see {@link #map(int)}), or an empty map if it is {@code nil}. */
    public Map<String, Object> optMap(int position) {
        return isNil(position) ? Map.of() : map(position);
    }

    /**
     * The argument as an unmodifiable list (an array); an empty map counts as an empty list.
     * Fails for anything else.
     */
    @SuppressWarnings("unchecked")
    public List<Object> list(int position) {
        return switch (get(position)) {
            case List<?> l -> Collections.unmodifiableList((List<Object>) l);
            case Map<?, ?> m when m.isEmpty() -> List.of();
            case null, default -> throw typeError(position, "array");
        };
    }

    /** The argument as a list (see {@link #list(int)}), or an empty list if it is {@code nil}. */
    public List<Object> optList(int position) {
        return isNil(position) ? List.of() : list(position);
    }

    /**
     * An error about the argument at {@code position}, for checks the accessors do not cover:
     * {@code argError(1, "unknown table type 'foo'")} gives
     * {@code kv.ensure_table: bad argument #1 (unknown table type 'foo')}. Throw it.
     */
    public ProviderException argError(int position, String message) {
        return new ProviderException(function + ": bad argument #" + position + " (" + message + ")");
    }

    /**
     * An error of this call, prefixed with the function's name: {@code error("unknown table
     * foo")} gives {@code kv.lookup: unknown table foo}. Throw it.
     */
    public ProviderException error(String message) {
        return new ProviderException(function + ": " + message);
    }

    /** Shows the function and the argument types, never the values: they may be passwords. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(function).append('(');
        for (int i = 0; i < values.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(Values.typeName(values.get(i)));
        }
        return sb.append(')').toString();
    }

    private ProviderException typeError(int position, String expected) {
        String got = position > values.size() ? "no value" : Values.typeName(values.get(position - 1));
        return argError(position, expected + " expected, got " + got);
    }

    private static void checkPosition(int position) {
        if (position < 1) {
            throw new IndexOutOfBoundsException("argument positions start at 1, not " + position);
        }
    }

    // Doubles in [-2^63, 2^63) with no fraction convert exactly; NaN, infinities and
    // fractions do not.
    private static Long toLong(double d) {
        if (d >= -0x1p63 && d < 0x1p63 && d == Math.rint(d)) {
            return (long) d;
        }
        return null;
    }
}
