package io.polyhook.engine.graaljs;

import io.polyhook.spi.Hooks;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The functions of one context that make a hook call in one crossing from Java into JavaScript:
 * {@code (function (f, restore, a0, a1, ...) { let r; try { r = f({"k0": a0, "k1": a1, ...}); }
 * catch (e) { restore(); throw e; } restore(); return r; })}, one per set of argument keys, made on
 * first use. (Not {@code finally}: an interrupt or a limit passes a {@code catch} but runs a
 * {@code finally}, which would then be interrupted in turn and reported as the failing place.)
 * Building the argument object from an object literal, calling the hook and undoing global changes
 * in the same guest call costs one host-to-guest transition instead of one per key plus two, and
 * lets the optimizing runtime compile the three together.
 *
 * <p>The argument object is a plain object whose keys are in the map's order, null values left
 * out, exactly as filling a new object key by key would make it.
 */
final class Invokers {

    private static final int MAX_KEY_SETS = 64;

    private final Context context;
    private final JsValues.Constructors constructors;
    // The last key set used per hook: the map of a hook nearly always has the same keys, and
    // comparing them by identity first costs no hashing.
    private final String[][] lastKeys = new String[Hooks.all().size()][];
    private final Value[] lastInvoker = new Value[Hooks.all().size()];
    private final Map<List<String>, Value> byKeys = new HashMap<>();

    Invokers(Context context, JsValues.Constructors constructors) {
        this.context = context;
        this.constructors = constructors;
    }

    /**
     * Calls {@code function} with the argument object of {@code arguments}, then {@code restore}
     * (also when the hook threw).
     */
    Value call(int hookId, Value function, Value restore, Map<String, Object> arguments) {
        int n = 0;
        for (Object v : arguments.values()) {
            if (v != null) {
                n++;
            }
        }
        Object[] args = new Object[n + 2];
        args[0] = function;
        args[1] = restore;
        String[] last = lastKeys[hookId];
        boolean same = last != null && last.length == n;
        int i = 0;
        for (Map.Entry<String, Object> e : arguments.entrySet()) {
            if (e.getValue() != null) {
                same = same && (last[i] == e.getKey() || last[i].equals(e.getKey()));
                args[i + 2] = JsValues.toJs(constructors, e.getValue());
                i++;
            }
        }
        Value invoker = same ? lastInvoker[hookId] : invoker(hookId, keys(arguments, n));
        return invoker.execute(args);
    }

    private static String[] keys(Map<String, Object> arguments, int n) {
        String[] keys = new String[n];
        int i = 0;
        for (Map.Entry<String, Object> e : arguments.entrySet()) {
            if (e.getValue() != null) {
                keys[i++] = e.getKey();
            }
        }
        return keys;
    }

    private Value invoker(int hookId, String[] keys) {
        List<String> key = Arrays.asList(keys);
        Value invoker = byKeys.get(key);
        if (invoker == null) {
            if (byKeys.size() >= MAX_KEY_SETS) {
                // Not a hook's argument map (those have a few key sets each): no cache, still correct.
                return context.eval(source(keys));
            }
            invoker = context.eval(source(keys));
            byKeys.put(List.copyOf(key), invoker);
        }
        lastKeys[hookId] = keys;
        lastInvoker[hookId] = invoker;
        return invoker;
    }

    private static Source source(String[] keys) {
        StringBuilder src = new StringBuilder("(function (f, restore");
        for (int i = 0; i < keys.length; i++) {
            src.append(", a").append(i);
        }
        src.append(") { let r; try { r = f({");
        for (int i = 0; i < keys.length; i++) {
            src.append(i == 0 ? "" : ", ").append(jsString(keys[i])).append(": a").append(i);
        }
        src.append("}); } catch (e) { restore(); throw e; } restore(); return r; })");
        return Source.newBuilder("js", src.toString(), "polyhook-invoker.js").internal(true).cached(true).buildLiteral();
    }

    /** A JavaScript string literal of {@code s}. */
    static String jsString(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '"' || ch == '\\') {
                b.append('\\').append(ch);
            } else if (ch < 0x20 || ch > 0x7e) {
                b.append(String.format("\\u%04x", (int) ch));
            } else {
                b.append(ch);
            }
        }
        return b.append('"').toString();
    }

    /** Forgets every invoker (the context is closed). */
    void clear() {
        byKeys.clear();
        Arrays.fill(lastKeys, null);
        Arrays.fill(lastInvoker, null);
    }
}
