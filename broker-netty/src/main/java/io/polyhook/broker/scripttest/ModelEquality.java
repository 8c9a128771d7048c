package io.polyhook.broker.scripttest;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Equality of model values as a script sees them: numbers by value ({@code 1} equals
 * {@code 1.0}), text equals its UTF-8 bytes, an empty table is both an empty array and an empty
 * map (a script cannot tell them apart), containers element by element.
 */
final class ModelEquality {

    private ModelEquality() {
    }

    static boolean equal(Object a, Object b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (a instanceof Number x && b instanceof Number y) {
            return x.doubleValue() == y.doubleValue();
        }
        if (isText(a) && isText(b)) {
            return Arrays.equals(bytes(a), bytes(b));
        }
        if (isEmptyTable(a) && isEmptyTable(b)) {
            return true;
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!equal(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (Map.Entry<?, ?> e : x.entrySet()) {
                if (!y.containsKey(e.getKey()) || !equal(e.getValue(), y.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    private static boolean isText(Object v) {
        return v instanceof String || v instanceof byte[];
    }

    private static byte[] bytes(Object v) {
        return v instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : (byte[]) v;
    }

    private static boolean isEmptyTable(Object v) {
        return v instanceof List<?> l && l.isEmpty() || v instanceof Map<?, ?> m && m.isEmpty();
    }
}
