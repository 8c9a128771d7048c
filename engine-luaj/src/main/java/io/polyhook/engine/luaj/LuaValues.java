package io.polyhook.engine.luaj;

import io.polyhook.core.script.ScriptEnvironment;
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
 *
 * <p>A conversion for a script's call (its results, a provider's arguments and answer) is
 * metered by the state's {@link LuaBudget}: each value is a step, and what it builds may not
 * pass {@code max_memory}, so a table that reaches one subtable many times (a structure of
 * {@code 2^60} paths in 60 tables) fails instead of filling the heap.
 */
final class LuaValues {

    private static final int MAX_NESTING = 64;
    // Estimated sizes of model values: an element or entry, a boxed number, a String.
    private static final long ENTRY = 48;
    private static final long STRING = 48;
    // For conversions without a state (tests, Java code): a budget that never stops.
    private static final LuaBudget UNMETERED = new LuaBudget(LuaSettings.of(
            java.util.Map.of("sandbox", java.util.Map.of("limit_execution", false))), ScriptEnvironment.DEFAULT_STATE_WAIT);

    // The keys of the argument tables' subtables (properties, subopts), made once instead of once per call.
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
        return toLua(value, new Meter(UNMETERED, true));
    }

    /**
     * The Lua value of a model value (a provider's answer), charged to {@code budget}.
     *
     * @throws SandboxViolation if it would pass the state's memory cap or run past the deadline
     */
    static LuaValue toLua(Object value, LuaBudget budget) {
        return toLua(value, new Meter(budget, true));
    }

    private static LuaValue toLua(Object value, Meter meter) {
        add(meter, ENTRY);
        return switch (value) {
            case null -> LuaValue.NIL;
            case String s -> {
                add(meter, STRING + s.length());
                yield LuaString.valueOf(s);
            }
            case byte[] b -> {
                add(meter, STRING + b.length);
                yield LuaString.valueOf(b);
            }
            case Long l -> LuaInteger.valueOf(l);
            case Integer i -> LuaInteger.valueOf(i);
            case Double d -> LuaValue.valueOf(d);
            case Boolean b -> LuaValue.valueOf(b);
            case List<?> list -> array(list, meter);
            case Map<?, ?> map -> table(map, meter);
            default -> throw new IllegalArgumentException("not a model value: " + value.getClass().getName());
        };
    }

    private static LuaTable array(List<?> list, Meter meter) {
        LuaTable t = new LuaTable(list.size(), 0);
        for (int i = 0; i < list.size(); i++) {
            Object v = list.get(i);
            if (v != null) {
                t.rawset(i + 1, toLua(v, meter));
            }
        }
        return t;
    }

    private static LuaTable table(Map<?, ?> map, Meter meter) {
        LuaTable t = new LuaTable(0, map.size());
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (e.getValue() != null) {
                String k = String.valueOf(e.getKey());
                add(meter, STRING + k.length());
                t.rawset(key(k), toLua(e.getValue(), meter));
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
        return toModel(value, 0, new Meter(UNMETERED, false));
    }

    /**
     * The model value of a Lua value, metered by {@code budget}.
     *
     * @throws LuaError         as {@link #toModel(LuaValue)}
     * @throws SandboxViolation if it would build more than the state's memory cap, or runs past the deadline
     */
    static Object toModel(LuaValue value, LuaBudget budget) {
        // Only a table can be large: a plain value costs no meter.
        return toModel(value, 0, value.istable() ? new Meter(budget, false) : null);
    }

    /** The values after the first, as model values; empty for one or no value. */
    static List<Object> rest(Varargs values) {
        return rest(values, UNMETERED);
    }

    /** {@link #rest(Varargs)}, metered by {@code budget}. */
    static List<Object> rest(Varargs values, LuaBudget budget) {
        int n = values.narg();
        if (n <= 1) {
            return List.of();
        }
        Meter meter = new Meter(budget, false);
        List<Object> out = new ArrayList<>(n - 1);
        for (int i = 2; i <= n; i++) {
            out.add(toModel(values.arg(i), 0, meter));
        }
        return out;
    }

    private static Object toModel(LuaValue value, int nesting, Meter meter) {
        add(meter, ENTRY);
        switch (value.type()) {
            case LuaValue.TNIL, LuaValue.TNONE:
                return null;
            case LuaValue.TBOOLEAN:
                return value.toboolean();
            case LuaValue.TNUMBER:
                return number(value);
            case LuaValue.TSTRING:
                LuaString s = (LuaString) value.checkstring();
                add(meter, STRING + s.m_length);
                return string(s);
            case LuaValue.TTABLE:
                return table((LuaTable) value, nesting, meter);
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

    private static Object table(LuaTable t, int nesting, Meter meter) {
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
                list.add(toModel(t.rawget(i), nesting + 1, meter));
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
            add(meter, k instanceof LuaString ks ? STRING + ks.m_length : STRING);
            map.put(k.tojstring(), toModel(e.arg(2), nesting + 1, meter));
        }
        return map;
    }

    private static void add(Meter meter, long bytes) {
        if (meter != null) {
            meter.add(bytes);
        }
    }

    /**
     * What one conversion has built: a step of the budget per value, and a stop once it passes
     * the state's memory cap. Values made for Lua ({@code charge}) are charged to the state too.
     */
    private static final class Meter {
        private final LuaBudget budget;
        private final boolean charge;
        private long left;

        Meter(LuaBudget budget, boolean charge) {
            this.budget = budget;
            this.charge = charge;
            this.left = budget.enforced() ? budget.memoryCap() : Long.MAX_VALUE;
        }

        void add(long bytes) {
            left -= bytes;
            if (left < 0) {
                throw budget.violation("a value of more than " + (budget.memoryCap() >> 20) + " MiB cannot be converted ("
                        + LuaSettings.KEY_PREFIX + "max_memory)");
            }
            if (charge) {
                budget.allocate(bytes);
            } else {
                budget.tick(1);
            }
        }
    }
}
