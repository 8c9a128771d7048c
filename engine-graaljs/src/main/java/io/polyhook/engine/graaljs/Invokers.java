package io.polyhook.engine.graaljs;

import io.polyhook.spi.Hooks;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyExecutable;

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
 * out, exactly as filling a new object key by key would make it; bytes are converted on first
 * read ({@link LazyBytes}), after which their key is a plain data property.
 */
final class Invokers {

    private static final int MAX_KEY_SETS = 64;

    private final Context context;
    private final JsValues.Constructors constructors;
    // The last key set used per hook: the map of a hook nearly always has the same keys, and
    // comparing them by identity first costs no hashing.
    private final String[][] lastKeys = new String[Hooks.all().size()][];
    private final boolean[][] lastLazy = new boolean[Hooks.all().size()][];
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
        boolean[] lazy = lastLazy[hookId];
        boolean same = last != null && last.length == n;
        int i = 0;
        for (Map.Entry<String, Object> e : arguments.entrySet()) {
            Object value = e.getValue();
            if (value != null) {
                boolean bytes = value instanceof byte[];
                same = same && lazy[i] == bytes && (last[i] == e.getKey() || last[i].equals(e.getKey()));
                args[i + 2] = bytes ? new LazyBytes(constructors, (byte[]) value) : JsValues.toJs(constructors, value);
                i++;
            }
        }
        Value invoker = same ? lastInvoker[hookId] : invoker(hookId, arguments, n);
        return invoker.execute(args);
    }

    /**
     * Bytes (payload, password, correlation data) are converted when the script first reads them,
     * not per call: a hook that looks at the topic only never pays for its payload (a binary one
     * is a {@code Uint8Array} made over a host buffer, several interop calls).
     */
    private record LazyBytes(JsValues.Constructors constructors, byte[] bytes) implements ProxyExecutable {
        @Override
        public Object execute(Value... ignored) {
            return JsValues.toJs(constructors, bytes);
        }
    }

    private Value invoker(int hookId, Map<String, Object> arguments, int n) {
        String[] keys = new String[n];
        boolean[] lazy = new boolean[n];
        // The cache key: the keys, a lazily converted one marked with a leading NUL (no hook has one).
        List<String> key = new java.util.ArrayList<>(n);
        int i = 0;
        for (Map.Entry<String, Object> e : arguments.entrySet()) {
            if (e.getValue() != null) {
                keys[i] = e.getKey();
                lazy[i] = e.getValue() instanceof byte[];
                key.add(lazy[i] ? "\0" + keys[i] : keys[i]);
                i++;
            }
        }
        Value invoker = byKeys.get(key);
        if (invoker == null) {
            if (byKeys.size() >= MAX_KEY_SETS) {
                // Not a hook's argument map (those have a few key sets each): no cache, still correct.
                return context.eval(source(keys, lazy));
            }
            invoker = context.eval(source(keys, lazy));
            byKeys.put(key, invoker);
        }
        lastKeys[hookId] = keys;
        lastLazy[hookId] = lazy;
        lastInvoker[hookId] = invoker;
        return invoker;
    }

    private static Source source(String[] keys, boolean[] lazy) {
        StringBuilder src = new StringBuilder("(function (f, restore");
        for (int i = 0; i < keys.length; i++) {
            src.append(", a").append(i);
        }
        src.append(") { let r; try { r = f({");
        for (int i = 0; i < keys.length; i++) {
            String k = jsString(keys[i]);
            src.append(i == 0 ? "" : ", ");
            if (lazy[i]) {
                // Read once, then a plain data property as if it had been one all along.
                src.append("get ").append(k).append("() { const v = a").append(i).append("(); define(this, ").append(k)
                        .append(", v); return v; }, set ").append(k).append("(v) { define(this, ").append(k).append(", v); }");
            } else {
                src.append(k).append(": a").append(i);
            }
        }
        src.append("}); } catch (e) { restore(); throw e; } restore(); return r; })");
        String text = "(function () { 'use strict'; const defineProperty = Object.defineProperty;\n"
                + "const define = (o, k, v) => defineProperty(o, k, {value: v, writable: true, enumerable: true, configurable: true});\n"
                + "return " + src + "; })()";
        return Source.newBuilder("js", text, "polyhook-invoker.js").internal(true).cached(true).buildLiteral();
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
        Arrays.fill(lastLazy, null);
        Arrays.fill(lastInvoker, null);
    }
}
