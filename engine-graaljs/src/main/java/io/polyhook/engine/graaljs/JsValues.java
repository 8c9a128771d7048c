package io.polyhook.engine.graaljs;

import org.graalvm.polyglot.Value;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts between the neutral value model of {@code core-api} ({@code null}, {@code Boolean},
 * {@code Long}, {@code Double}, {@code String}, {@code byte[]}, {@code List}, {@code Map}) and
 * JavaScript values of one context.
 *
 * <p>To JavaScript: bytes that are valid UTF-8 become a string (as in Lua, where a payload is a
 * string), any other bytes a {@code Uint8Array}; lists become arrays, maps plain objects whose
 * {@code null} entries are left out (like a Lua table), numbers JavaScript numbers.
 *
 * <p>From JavaScript: {@code null} and {@code undefined} become {@code null}; a number is a
 * {@code Long} when it is integral and fits, else a {@code Double}; a string a {@code String}
 * (its UTF-8 bytes where bytes are expected); a {@code Uint8Array} or {@code ArrayBuffer}
 * {@code byte[]}; an array a {@code List}; any other object a {@code Map} of its own enumerable
 * string keys. Functions, symbols and host objects have no model value and fail the conversion.
 */
final class JsValues {

    static final int MAX_NESTING = 64;

    /** The constructors of the context, taken before the script ran, so it cannot replace them. */
    record Constructors(Value object, Value array, Value uint8Array, Value error, Value typeError) {
        static Constructors of(Value bindings) {
            return new Constructors(bindings.getMember("Object"), bindings.getMember("Array"),
                    bindings.getMember("Uint8Array"), bindings.getMember("Error"), bindings.getMember("TypeError"));
        }
    }

    /** A value that has no model value. */
    static final class ConversionException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ConversionException(String message) {
            super(message, null, false, false);
        }
    }

    private JsValues() {
    }

    /** The JavaScript value of a model value, as an object {@link Value#putMember} and proxies accept. */
    static Object toJs(Constructors c, Object value) {
        return switch (value) {
            case null -> null;
            case String s -> s;
            case Boolean b -> b;
            case Long l -> l;
            case Integer i -> i;
            case Double d -> d;
            case byte[] b -> bytes(c, b);
            case List<?> list -> array(c, list);
            case Map<?, ?> map -> object(c, map);
            default -> throw new IllegalArgumentException("not a model value: " + value.getClass().getName());
        };
    }

    /** A plain JavaScript object for a map; null values are left out. */
    static Value object(Constructors c, Map<?, ?> map) {
        Value o = c.object().newInstance();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (e.getValue() != null) {
                o.putMember(String.valueOf(e.getKey()), toJs(c, e.getValue()));
            }
        }
        return o;
    }

    private static Value array(Constructors c, List<?> list) {
        Value a = c.array().newInstance();
        for (int i = 0; i < list.size(); i++) {
            a.setArrayElement(i, toJs(c, list.get(i)));
        }
        return a;
    }

    private static Object bytes(Constructors c, byte[] b) {
        String s = utf8(b);
        if (s != null) {
            return s;
        }
        // A view over a copy held by the host: O(1) to make, where filling a new array costs one
        // interop call per byte (5 us for 64 bytes, interpreted) whether the script reads it or not.
        // The copy keeps writes of the script away from the caller's array.
        return c.uint8Array().newInstance(ByteBuffer.wrap(b.clone()));
    }

    /** The text of {@code b} if it is valid UTF-8, else {@code null}. */
    static String utf8(byte[] b) {
        boolean ascii = true;
        for (byte x : b) {
            if (x < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            return new String(b, StandardCharsets.ISO_8859_1);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /**
     * The model value of a JavaScript value.
     *
     * @throws ConversionException for a function, symbol, host object, or objects nested too deeply
     */
    static Object toModel(Value value) {
        return toModel(value, 0);
    }

    private static Object toModel(Value v, int nesting) {
        if (v.isNull()) {
            return null;
        }
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        if (v.isString()) {
            return v.asString();
        }
        if (v.isNumber()) {
            if (v.fitsInLong()) {
                return v.asLong();
            }
            double d = v.asDouble();
            if (d == Math.rint(d) && d >= -0x1p63 && d < 0x1p63) {
                return (long) d;
            }
            return d;
        }
        if (v.isProxyObject() || v.isHostObject()) {
            throw new ConversionException("cannot convert " + (v.isProxyObject() && v.asProxyObject() instanceof Denial
                    ? "a deny() result here: return it from the hook function" : "a host object"));
        }
        if (nesting >= MAX_NESTING) {
            throw new ConversionException("objects nested more than " + MAX_NESTING + " levels deep (a cycle?)");
        }
        if (v.hasBufferElements()) {
            byte[] b = new byte[Math.toIntExact(v.getBufferSize())];
            v.readBuffer(0, b, 0, b.length);
            return b;
        }
        if (v.canExecute() || v.canInstantiate()) {
            throw new ConversionException("cannot convert a function");
        }
        if (v.hasArrayElements()) {
            long n = v.getArraySize();
            Value meta = v.getMetaObject();
            if (meta != null && "Uint8Array".equals(meta.getMetaSimpleName())) {
                byte[] b = new byte[Math.toIntExact(n)];
                for (int i = 0; i < b.length; i++) {
                    b[i] = (byte) v.getArrayElement(i).asInt();
                }
                return b;
            }
            List<Object> list = new ArrayList<>((int) Math.min(n, 1024));
            for (long i = 0; i < n; i++) {
                list.add(toModel(v.getArrayElement(i), nesting + 1));
            }
            return list;
        }
        if (v.hasMembers()) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (String key : v.getMemberKeys()) {
                map.put(key, toModel(v.getMember(key), nesting + 1));
            }
            return map;
        }
        Value meta = v.getMetaObject();
        throw new ConversionException("cannot convert a " + (meta == null ? "value of this kind" : meta.getMetaSimpleName())
                + " value");
    }
}
