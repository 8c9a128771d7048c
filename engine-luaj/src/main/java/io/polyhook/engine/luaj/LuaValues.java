package io.polyhook.engine.luaj;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaInteger;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts between the neutral value model of {@code core-api} ({@code null}, {@code Boolean},
 * {@code Long}, {@code Double}, {@code String}, {@code byte[]}, {@code List}, {@code Map}) and
 * Lua values.
 *
 * <p>Lua strings are bytes: one that is valid UTF-8 becomes a {@code String}, any other a
 * {@code byte[]}. A table whose keys are exactly 1..n becomes a {@code List}, any other table a
 * {@code Map} with string keys (so an empty table is an empty map). Functions, userdata and
 * coroutines have no model value and fail the conversion.
 */
final class LuaValues {

    private static final int MAX_NESTING = 64;

    // The argument keys of every hook, made once instead of once per call.
    private static final Map<String, LuaString> KEYS = new HashMap<>();

    static {
        for (String k : List.of("addr", "port", "mountpoint", "client_id", "username", "password", "clean_session",
                "clean_start", "properties", "listener_addr", "listener_port", "listener_type", "client_cert", "qos",
                "topic", "payload", "retain", "topics", "rap", "no_local", "retain_handling", "sub_id",
                "p_session_expiry_interval", "p_receive_max", "p_topic_alias_max", "p_max_packet_size",
                "p_request_response_info", "p_request_problem_info", "p_user_property", "p_payload_format_indicator",
                "p_message_expiry_interval", "p_content_type", "p_response_topic", "p_correlation_data",
                "p_topic_alias", "p_subscription_id", "p_authentication_method", "p_authentication_data",
                "p_will_delay_interval")) {
            KEYS.put(k, LuaString.valueOf(k));
        }
    }

    private LuaValues() {
    }

    /** The Lua value of a model value; {@code null} is {@code nil}. */
    static LuaValue toLua(Object value) {
        return switch (value) {
            case null -> LuaValue.NIL;
            case String s -> LuaString.valueOf(s);
            case byte[] b -> LuaString.valueOf(b);
            case Long l -> LuaInteger.valueOf(l);
            case Integer i -> LuaInteger.valueOf(i);
            case Double d -> LuaValue.valueOf(d);
            case Boolean b -> LuaValue.valueOf(b);
            case List<?> list -> array(list);
            case Map<?, ?> map -> table(map);
            default -> throw new IllegalArgumentException("not a model value: " + value.getClass().getName());
        };
    }

    /**
     * The argument table of a hook. The byte arrays in it were made for this call, so they are
     * used without a copy.
     */
    static LuaTable arguments(Map<String, Object> arguments) {
        LuaTable t = new LuaTable(0, arguments.size());
        for (Map.Entry<String, Object> e : arguments.entrySet()) {
            Object v = e.getValue();
            if (v != null) {
                t.rawset(key(e.getKey()), v instanceof byte[] b ? LuaString.valueUsing(b) : toLua(v));
            }
        }
        return t;
    }

    private static LuaTable array(List<?> list) {
        LuaTable t = new LuaTable(list.size(), 0);
        for (int i = 0; i < list.size(); i++) {
            Object v = list.get(i);
            if (v != null) {
                t.rawset(i + 1, toLua(v));
            }
        }
        return t;
    }

    private static LuaTable table(Map<?, ?> map) {
        LuaTable t = new LuaTable(0, map.size());
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (e.getValue() != null) {
                t.rawset(key(String.valueOf(e.getKey())), toLua(e.getValue()));
            }
        }
        return t;
    }

    private static LuaString key(String k) {
        LuaString s = KEYS.get(k);
        return s != null ? s : LuaString.valueOf(k);
    }

    /**
     * The model value of a Lua value.
     *
     * @throws LuaError for a function, userdata, coroutine, or tables nested too deeply
     */
    static Object toModel(LuaValue value) {
        return toModel(value, 0);
    }

    /** The values after the first, as model values; empty for one or no value. */
    static List<Object> rest(Varargs values) {
        int n = values.narg();
        if (n <= 1) {
            return List.of();
        }
        List<Object> out = new ArrayList<>(n - 1);
        for (int i = 2; i <= n; i++) {
            out.add(toModel(values.arg(i)));
        }
        return out;
    }

    private static Object toModel(LuaValue value, int nesting) {
        switch (value.type()) {
            case LuaValue.TNIL, LuaValue.TNONE:
                return null;
            case LuaValue.TBOOLEAN:
                return value.toboolean();
            case LuaValue.TNUMBER:
                return number(value);
            case LuaValue.TSTRING:
                return string((LuaString) value.checkstring());
            case LuaValue.TTABLE:
                return table((LuaTable) value, nesting);
            default:
                throw new LuaError("cannot convert a " + value.typename() + " value");
        }
    }

    private static Object number(LuaValue value) {
        if (value instanceof LuaInteger) {
            return (long) value.toint();
        }
        double d = value.todouble();
        if (d == Math.rint(d) && d >= -0x1p63 && d < 0x1p63) {
            return (long) d;
        }
        return d;
    }

    private static Object string(LuaString s) {
        if (s.isValidUtf8()) {
            return s.tojstring();
        }
        byte[] bytes = new byte[s.length()];
        s.copyInto(0, bytes, 0, bytes.length);
        return bytes;
    }

    private static Object table(LuaTable t, int nesting) {
        if (nesting >= MAX_NESTING) {
            throw new LuaError("tables nested more than " + MAX_NESTING + " levels deep (a cycle?)");
        }
        int n = t.rawlen();
        int count = 0;
        boolean sequence = true;
        LuaValue k = LuaValue.NIL;
        while (true) {
            k = t.next(k).arg1();
            if (k.isnil()) {
                break;
            }
            count++;
            if (sequence && !(k.isinttype() && k.toint() >= 1 && k.toint() <= n)) {
                sequence = false;
            }
        }
        if (count == 0) {
            return new LinkedHashMap<String, Object>();
        }
        if (sequence && count == n) {
            List<Object> list = new ArrayList<>(n);
            for (int i = 1; i <= n; i++) {
                list.add(toModel(t.rawget(i), nesting + 1));
            }
            return list;
        }
        Map<String, Object> map = new LinkedHashMap<>();
        k = LuaValue.NIL;
        while (true) {
            Varargs e = t.next(k);
            k = e.arg1();
            if (k.isnil()) {
                break;
            }
            map.put(k.tojstring(), toModel(e.arg(2), nesting + 1));
        }
        return map;
    }
}
