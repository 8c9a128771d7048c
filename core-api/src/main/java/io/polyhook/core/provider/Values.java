package io.polyhook.core.provider;

import io.polyhook.spi.Bytes;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The language-neutral value model that providers and script engines exchange.
 *
 * <p>A <em>model value</em> is one of:
 * <ul>
 *   <li>{@code null} (Lua {@code nil}, JavaScript {@code null}/{@code undefined}),</li>
 *   <li>{@link Boolean},</li>
 *   <li>{@link Long} (integers) and {@link Double} (everything else a number can be),</li>
 *   <li>{@link String} (text),</li>
 *   <li>{@code byte[]} (binary data),</li>
 *   <li>{@code List<Object>} of model values (an array),</li>
 *   <li>{@code Map<String, Object>} from string keys to model values, in insertion order (a
 *       table or object).</li>
 * </ul>
 *
 * <p>Each engine converts its language's values to this model before it calls a
 * {@link ProviderFunction} and converts the result back. Text is always a Java {@code String};
 * binary data is always a {@code byte[]}. A Lua string is bytes, not text, so the Lua engine
 * hands over a Lua string that is not valid UTF-8 as a {@code byte[]} and turns a
 * {@code byte[]} result back into a Lua string; providers that accept either use
 * {@link Arguments#bytes(int)}.
 *
 * <p>Containers in the model may hold {@code null}, but maps never have {@code null} keys and
 * a value never contains itself.
 */
public final class Values {

    private Values() {
    }

    /**
     * Whether {@code value} is a model value, checking containers all the way down. A cyclic
     * structure is not a model value.
     */
    public static boolean conforms(Object value) {
        return violation(value, newIdentitySet()) == null;
    }

    /**
     * Returns {@code value} if it is a model value (see {@link #conforms(Object)}).
     *
     * @throws IllegalArgumentException naming where in the structure the first non-model value
     *     sits, with 1-based list positions, e.g. {@code value.users[2].age is a java.lang.Integer}
     */
    public static Object check(Object value) {
        Problem problem = violation(value, newIdentitySet());
        if (problem != null) {
            throw new IllegalArgumentException(problem.message());
        }
        return value;
    }

    /**
     * Converts a common Java value into the model, returning fresh, mutable containers.
     *
     * <ul>
     *   <li>{@code Long}, {@code Integer}, {@code Short}, {@code Byte} become {@code Long};
     *       a {@code BigInteger} becomes a {@code Long} if it fits, else a {@code Double}.</li>
     *   <li>{@code Double} stays; a {@code Float} becomes the {@code Double} with the same
     *       decimal digits ({@code 1.1f} becomes {@code 1.1}, not {@code 1.100000023841858}),
     *       because floats usually come from databases whose users typed decimals.</li>
     *   <li>A {@code BigDecimal} with no fractional part that fits becomes a {@code Long},
     *       any other a {@code Double}.</li>
     *   <li>A {@code CharSequence} or {@code Character} becomes a {@code String}.</li>
     *   <li>{@code byte[]} stays as is (not copied); a {@link Bytes} or {@link ByteBuffer}
     *       (its remaining bytes, position untouched) becomes a {@code byte[]}.</li>
     *   <li>A {@code Collection} or {@code Object[]} becomes an {@code ArrayList}, in iteration
     *       order, converting its elements.</li>
     *   <li>A {@code Map} whose keys are all strings (or other {@code CharSequence}s) becomes a
     *       {@code LinkedHashMap}, in iteration order, converting its values.</li>
     * </ul>
     *
     * @throws IllegalArgumentException if something in {@code value} has no model equivalent
     *     (the message says where and names the Java class), if a map has a key that is not a
     *     string, or if the structure contains itself
     */
    public static Object convert(Object value) {
        return convertAtTop(value, false);
    }

    /**
     * Converts like {@link #convert(Object)}, but every container in the result, all the way
     * down, is unmodifiable and every {@code byte[]} is a copy, so the result can be shared
     * between threads and scripts.
     *
     * @throws IllegalArgumentException as {@link #convert(Object)} does
     */
    public static Object immutableCopy(Object value) {
        return convertAtTop(value, true);
    }

    /**
     * The name of a value's type as a script author sees it in error messages: {@code nil},
     * {@code boolean}, {@code number}, {@code string}, {@code binary} ({@code byte[]}),
     * {@code array} (a list), {@code table} (a map), or the Java class name for anything that
     * is not a model value.
     */
    public static String typeName(Object value) {
        return switch (value) {
            case null -> "nil";
            case Boolean b -> "boolean";
            case Long l -> "number";
            case Double d -> "number";
            case String s -> "string";
            case byte[] bytes -> "binary";
            case List<?> list -> "array";
            case Map<?, ?> map -> "table";
            default -> value.getClass().getName();
        };
    }

    private static Set<Object> newIdentitySet() {
        return Collections.newSetFromMap(new IdentityHashMap<>());
    }

    // Paths are built only on the way out of a failure, so checking and converting a large,
    // valid structure allocates nothing for them.
    private static Problem violation(Object value, Set<Object> enclosing) {
        switch (value) {
            case List<?> list -> {
                if (!enclosing.add(list)) {
                    return new Problem("contains itself");
                }
                int position = 0;
                for (Object element : list) {
                    position++;
                    Problem problem = violation(element, enclosing);
                    if (problem != null) {
                        return problem.in("[" + position + "]");
                    }
                }
                enclosing.remove(list);
                return null;
            }
            case Map<?, ?> map -> {
                if (!enclosing.add(map)) {
                    return new Problem("contains itself");
                }
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    if (!(e.getKey() instanceof String key)) {
                        return new Problem("has a key that is not a string: " + describeKey(e.getKey()));
                    }
                    Problem problem = violation(e.getValue(), enclosing);
                    if (problem != null) {
                        return problem.in("." + key);
                    }
                }
                enclosing.remove(map);
                return null;
            }
            case null, default -> {
                return isScalar(value) ? null : new Problem("is a " + value.getClass().getName());
            }
        }
    }

    private static boolean isScalar(Object value) {
        return value == null || value instanceof Boolean || value instanceof Long || value instanceof Double
                || value instanceof String || value instanceof byte[];
    }

    private static Object convertAtTop(Object value, boolean immutable) {
        try {
            return convert(value, newIdentitySet(), immutable);
        } catch (BadValue bad) {
            throw new IllegalArgumentException(bad.problem.message());
        }
    }

    private static Object convert(Object value, Set<Object> enclosing, boolean immutable) {
        return switch (value) {
            case null -> null;
            case Boolean b -> b;
            case Long l -> l;
            case Integer i -> i.longValue();
            case Short s -> s.longValue();
            case Byte b -> b.longValue();
            case Double d -> d;
            case Float f -> Double.parseDouble(Float.toString(f));
            case BigInteger big -> fromBigInteger(big);
            case BigDecimal dec -> fromBigDecimal(dec);
            case String s -> s;
            case CharSequence cs -> cs.toString();
            case Character c -> c.toString();
            case byte[] bytes -> immutable ? bytes.clone() : bytes;
            case Bytes bytes -> bytes.toByteArray();
            case ByteBuffer buffer -> {
                byte[] copy = new byte[buffer.remaining()];
                buffer.duplicate().get(copy);
                yield copy;
            }
            case Collection<?> collection -> convertElements(collection, collection, collection.size(), enclosing, immutable);
            case Object[] array -> convertElements(array, Arrays.asList(array), array.length, enclosing, immutable);
            case Map<?, ?> map -> convertMap(map, enclosing, immutable);
            default -> throw new BadValue(new Problem("is a " + value.getClass().getName() + ", which has no model equivalent"));
        };
    }

    private static Object fromBigInteger(BigInteger big) {
        return big.bitLength() < Long.SIZE ? (Object) big.longValue() : (Object) big.doubleValue();
    }

    private static Object fromBigDecimal(BigDecimal dec) {
        if (dec.signum() == 0) {
            return 0L;
        }
        try {
            // Fails alike for a fractional part and for a value out of range: both become doubles.
            return dec.stripTrailingZeros().longValueExact();
        } catch (ArithmeticException notALong) {
            return dec.doubleValue();
        }
    }

    // The identity is the container itself, not the view over it, so a cycle through an
    // Object[] is caught too.
    private static List<Object> convertElements(Object identity, Iterable<?> elements, int size,
                                                Set<Object> enclosing, boolean immutable) {
        if (!enclosing.add(identity)) {
            throw new BadValue(new Problem("contains itself"));
        }
        List<Object> out = new ArrayList<>(size);
        int position = 0;
        for (Object element : elements) {
            position++;
            try {
                out.add(convert(element, enclosing, immutable));
            } catch (BadValue bad) {
                bad.problem.in("[" + position + "]");
                throw bad;
            }
        }
        enclosing.remove(identity);
        return immutable ? Collections.unmodifiableList(out) : out;
    }

    private static Map<String, Object> convertMap(Map<?, ?> map, Set<Object> enclosing, boolean immutable) {
        if (!enclosing.add(map)) {
            throw new BadValue(new Problem("contains itself"));
        }
        Map<String, Object> out = LinkedHashMap.newLinkedHashMap(map.size());
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof CharSequence cs)) {
                throw new BadValue(new Problem("has a key that is not a string: " + describeKey(e.getKey())));
            }
            String key = cs.toString();
            try {
                out.put(key, convert(e.getValue(), enclosing, immutable));
            } catch (BadValue bad) {
                bad.problem.in("." + key);
                throw bad;
            }
        }
        enclosing.remove(map);
        return immutable ? Collections.unmodifiableMap(out) : out;
    }

    private static String describeKey(Object key) {
        return key == null ? "null" : key + " (" + key.getClass().getName() + ")";
    }

    /** What is wrong and where, the path collected innermost segment first. */
    private static final class Problem {
        private final String what;
        private final ArrayDeque<String> path = new ArrayDeque<>();

        Problem(String what) {
            this.what = what;
        }

        Problem in(String segment) {
            path.addFirst(segment);
            return this;
        }

        String message() {
            return "value" + String.join("", path) + " " + what;
        }
    }

    /** Unwinds a conversion; carries no stack trace because it never leaves this class. */
    private static final class BadValue extends RuntimeException {
        private final transient Problem problem;

        BadValue(Problem problem) {
            super(null, null, false, false);
            this.problem = problem;
        }
    }
}
