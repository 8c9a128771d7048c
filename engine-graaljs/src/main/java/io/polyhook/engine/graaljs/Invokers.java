package io.polyhook.engine.graaljs;

import io.polyhook.core.hook.HookIndex;
import io.polyhook.core.script.model.ArgumentKey;
import io.polyhook.core.script.model.ArgumentSink;
import io.polyhook.core.script.model.HookArguments;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.Hook;
import io.polyhook.spi.HookContext;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyExecutable;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The functions of one context that make a hook call in one crossing from Java into JavaScript:
 * per hook, {@code function (a0, a1, ...) { begin(); let r; try { r = f({"k0": a0, "k1": a1, ...}); }
 * catch (e) { restore(); throw e; } restore(); return r; }}, with the hook's function {@code f},
 * the restore and {@code begin} bound in its closure, made on first use from a factory per
 * sequence of argument keys. (Not {@code finally}: an interrupt or a limit passes a {@code catch}
 * but runs a {@code finally}, which would then be interrupted in turn and reported as the failing
 * place.) Building the argument object from an object literal, calling the hook and undoing global
 * changes in the same guest call costs one host-to-guest transition instead of one per key plus
 * two, and lets the optimizing runtime compile the three together. Binding {@code f}, the restore
 * and {@code begin} once leaves only the hook's own values to convert per call: passed as
 * arguments, {@code begin} (a host function) was wrapped into a new guest object on every call.
 *
 * <p>The values come straight from the hook's context ({@link HookArguments#write}, this class is
 * the sink), into arrays of the context's own, reused by every call: no map and no key text per
 * call. The argument object is a plain object whose keys are in {@link HookArguments#of}'s order,
 * absent values left out, exactly as filling a new object key by key would make it; bytes are
 * converted on first read ({@link LazyBytes}), after which their key is a plain data property.
 *
 * <p>Not thread-safe: a context serves one call at a time, and so do its invokers.
 */
final class Invokers implements ArgumentSink {

    private static final int MAX_KEY_SETS = 64;
    private static final int MAX_KEYS = ArgumentKey.values().length;

    private final Context context;
    private final JsValues.Constructors constructors;
    // The last key sequence used per hook: a hook nearly always has the same keys, compared by
    // identity without hashing.
    private final ArgumentKey[][] lastKeys = new ArgumentKey[HookIndex.COUNT][];
    private final boolean[][] lastLazy = new boolean[HookIndex.COUNT][];
    private final Value[] lastInvoker = new Value[HookIndex.COUNT];
    // What the last invoker of each hook has bound: a new context rebinds them (JsState.rebuild).
    private final Value[] lastFunction = new Value[HookIndex.COUNT];
    private final Value[] lastRestore = new Value[HookIndex.COUNT];
    // The argument array of each hook's last call, kept for its next call of the same size.
    private final Object[][] lastArguments = new Object[HookIndex.COUNT][];
    private final Map<String, Value> byKeys = new HashMap<>();
    // The call being filled (ArgumentSink): its keys, whether each is lazy bytes, its values.
    private final ArgumentKey[] keys = new ArgumentKey[MAX_KEYS];
    private final boolean[] lazy = new boolean[MAX_KEYS];
    private final Object[] values = new Object[MAX_KEYS];
    private int count;

    Invokers(Context context, JsValues.Constructors constructors) {
        this.context = context;
        this.constructors = constructors;
    }

    /**
     * Calls {@code begin}, then {@code function} with the argument object of {@code hook} for
     * {@code hookContext}, then {@code restore} (also when the hook threw).
     */
    Value call(Hook<?> hook, Value function, Value restore, Value begin, HookContext hookContext) {
        int hookId = HookIndex.of(hook);
        count = 0;
        Object[] args;
        try {
            HookArguments.write(hook, hookContext, this);
            int n = count;
            ArgumentKey[] last = lastKeys[hookId];
            boolean same = last != null && last.length == n && lastFunction[hookId] == function
                    && lastRestore[hookId] == restore;
            for (int i = 0; same && i < n; i++) {
                same = last[i] == keys[i] && lastLazy[hookId][i] == lazy[i];
            }
            Value invoker = same ? lastInvoker[hookId] : invoker(hookId, n, function, restore, begin);
            args = lastArguments[hookId];
            if (args == null || args.length != n) {
                args = new Object[n];
                lastArguments[hookId] = args;
            }
            System.arraycopy(values, 0, args, 0, n);
            return invoker.execute(args);
        } finally {
            // Nothing of this call (a payload, a client id) stays reachable from the context.
            Arrays.fill(values, 0, count, null);
            args = lastArguments[hookId];
            if (args != null) {
                Arrays.fill(args, null);
            }
        }
    }

    @Override
    public void text(ArgumentKey key, String value) {
        add(key, value, false);
    }

    @Override
    public void integer(ArgumentKey key, long value) {
        add(key, value, false);
    }

    @Override
    public void bool(ArgumentKey key, boolean value) {
        add(key, value, false);
    }

    @Override
    public void bytes(ArgumentKey key, Bytes value) {
        add(key, new LazyBytes(constructors, value), true);
    }

    @Override
    public void table(ArgumentKey key, Object value) {
        add(key, JsValues.toJs(constructors, value), false);
    }

    private void add(ArgumentKey key, Object value, boolean bytes) {
        keys[count] = key;
        lazy[count] = bytes;
        values[count] = value;
        count++;
    }

    /**
     * Bytes (payload, password, client certificate) are converted when the script first reads
     * them, not per call: a hook that looks at the topic only never pays for its payload (a binary
     * one is a {@code Uint8Array} made over a host buffer, several interop calls).
     */
    private record LazyBytes(JsValues.Constructors constructors, Bytes bytes) implements ProxyExecutable {
        @Override
        public Object execute(Value... ignored) {
            return JsValues.toJs(constructors, bytes.toByteArray());
        }
    }

    private Value invoker(int hookId, int n, Value function, Value restore, Value begin) {
        ArgumentKey[] sequence = Arrays.copyOf(keys, n);
        boolean[] lazyOnes = Arrays.copyOf(lazy, n);
        // The cache key: a character per key, upper case for a lazily converted one.
        StringBuilder key = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            key.append((char) ((lazyOnes[i] ? 'A' : 'a') + sequence[i].ordinal()));
        }
        Value factory = byKeys.get(key.toString());
        if (factory == null) {
            factory = context.eval(source(sequence, lazyOnes));
            if (byKeys.size() < MAX_KEY_SETS) {
                byKeys.put(key.toString(), factory);
            }
        }
        Value invoker = factory.execute(function, restore, begin);
        lastKeys[hookId] = sequence;
        lastLazy[hookId] = lazyOnes;
        lastFunction[hookId] = function;
        lastRestore[hookId] = restore;
        lastInvoker[hookId] = invoker;
        return invoker;
    }

    private static Source source(ArgumentKey[] keys, boolean[] lazy) {
        StringBuilder src = new StringBuilder("(f, restore, begin) => function (");
        for (int i = 0; i < keys.length; i++) {
            src.append(i == 0 ? "a" : ", a").append(i);
        }
        src.append(") { begin(); let r; try { r = f({");
        for (int i = 0; i < keys.length; i++) {
            String k = jsString(keys[i].scriptName());
            src.append(i == 0 ? "" : ", ");
            if (lazy[i]) {
                // Read once, then a plain data property as if it had been one all along.
                src.append("get ").append(k).append("() { const v = a").append(i).append("(); define(this, ").append(k)
                        .append(", v); return v; }, set ").append(k).append("(v) { define(this, ").append(k).append(", v); }");
            } else {
                src.append(k).append(": a").append(i);
            }
        }
        src.append("}); } catch (e) { restore(); throw e; } restore(); return r; }");
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
        Arrays.fill(lastFunction, null);
        Arrays.fill(lastRestore, null);
        Arrays.fill(lastArguments, null);
    }
}
