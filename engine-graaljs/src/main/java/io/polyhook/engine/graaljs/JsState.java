package io.polyhook.engine.graaljs;

import io.polyhook.core.script.ScriptCallException;

import io.polyhook.core.script.StatePool;

import io.polyhook.core.provider.DataProvider;
import io.polyhook.core.provider.ProviderFunction;
import io.polyhook.core.script.model.HookResults;
import io.polyhook.spi.Hook;
import io.polyhook.spi.Hooks;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.EnvironmentAccess;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.PolyglotAccess;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.ResourceLimits;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.io.IOAccess;
import org.graalvm.polyglot.proxy.ProxyExecutable;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One JavaScript context of a script: its globals, the file run in them, and the hook functions
 * the file declared. Serves one call at a time (the {@link StatePool} sees to that), from any
 * thread.
 *
 * <p>With {@code keep_state = false}, the global object is snapshotted after the load (names and
 * property descriptors) and restored after every call: globals a call added are deleted, globals
 * it reassigned or deleted get their load-time value back. Like the Lua engine, objects reachable
 * from globals are shared, not copied, so changing their fields is kept; and top-level
 * {@code let}/{@code const}/{@code class} bindings, which are not properties of the global
 * object, behave like Lua's top-level locals: changes to them are kept.
 *
 * <p>A context whose statement limit ran out is closed by Truffle; the state then rebuilds
 * itself (new context, file run again) before its next call.
 */
final class JsState {

    // Runs once per context, before the script, as an internal source (not counted by the
    // statement limit, not shown as the script's position).
    private static final String SUPPORT = """
            (function (g, sandboxed) {
              'use strict';
              const names = Object.getOwnPropertyNames, describe = Object.getOwnPropertyDescriptor,
                    define = Object.defineProperty, hasOwn = Object.hasOwn, is = Object.is, create = Object.create;
              if (sandboxed) {
                for (const n of ['Java', 'Packages', 'java', 'javax', 'com', 'org', 'edu', 'javafx', 'Graal',
                                 'Polyglot', 'load', 'loadWithNewGlobal', 'quit', 'exit', 'read', 'readbuffer',
                                 'readline', 'SharedArrayBuffer', 'Atomics']) {
                  try { delete g[n]; } catch (e) { }
                }
              }
              // Names of the global object before the script ran (built-ins), and after the load.
              let builtins = create(null), savedNames = [], tracked = [], trackedDescs = [], trackedData = [],
                  savedSet = create(null), savedLast = undefined;
              const before = names(g);
              for (let i = 0; i < before.length; i++) builtins[before[i]] = true;
              return {
                snapshot() {
                  savedNames = names(g); tracked = []; trackedDescs = []; trackedData = []; savedSet = create(null);
                  savedLast = savedNames[savedNames.length - 1];
                  for (let i = 0; i < savedNames.length; i++) {
                    const n = savedNames[i];
                    savedSet[n] = true;
                    if (builtins[n] !== true) {
                      const d = describe(g, n);
                      tracked.push(n); trackedDescs.push(d); trackedData.push(hasOwn(d, 'value'));
                    }
                  }
                },
                restore() {
                  // Properties are listed in creation order: if the count and the last name are the
                  // same, no global was added (the common case: one array, no loop).
                  const now = names(g);
                  if (now.length !== savedNames.length || now[now.length - 1] !== savedLast) {
                    for (let i = 0; i < now.length; i++) {
                      if (savedSet[now[i]] !== true) { try { delete g[now[i]]; } catch (e) { } }
                    }
                  }
                  for (let i = 0; i < tracked.length; i++) {
                    const n = tracked[i], d = trackedDescs[i];
                    let changed;
                    if (trackedData[i]) {
                      changed = !hasOwn(g, n) || !is(g[n], d.value);
                    } else {
                      const c = describe(g, n);
                      changed = c === undefined || c.get !== d.get || c.set !== d.set;
                    }
                    if (changed) { try { define(g, n, d); } catch (e) { } }
                  }
                }
              };
            })
            """;
    private static final Source SUPPORT_SOURCE = Source.newBuilder("js", SUPPORT, "polyhook-support.js")
            .internal(true).cached(true).buildLiteral();
    private static final Map<Long, ResourceLimits> LIMITS = new ConcurrentHashMap<>();
    private static final HostAccess BYTES_ONLY = HostAccess.newBuilder(HostAccess.NONE).allowBufferAccess(true).build();

    private final int id;
    private final String script;
    private final Source file;
    private final JsSettings settings;
    private final List<DataProvider> providers;
    private final Value[] hooks = new Value[Hooks.all().size()];
    private List<Hook<?>> bound = List.of();
    private boolean isolated;
    private Context context;
    private JsValues.Constructors constructors;
    private Value support;
    private Value restore;
    // Argument-object makers of this context, by their keys; see argument().
    private final Map<List<String>, Value> argumentMakers = new java.util.HashMap<>();
    private boolean broken;

    JsState(int id, String script, Source file, JsSettings settings, List<DataProvider> providers) {
        this.id = id;
        this.script = script;
        this.file = file;
        this.settings = settings;
        this.providers = List.copyOf(providers);
        open();
    }

    /** The context's number, 1..N, as the script sees it in {@code __SCRIPT_INSTANCE_ID__}. */
    int id() {
        return id;
    }

    private void open() {
        Context.Builder b = Context.newBuilder("js")
                .engine(SharedEngines.forLimit(settings.limitExecution() ? settings.statementLimit() : 0))
                .out(new ScriptOutput(script, false))
                .err(new ScriptOutput(script, true));
        if (settings.sandbox()) {
            // Buffer access only: the host objects a script ever sees are the byte buffers under
            // its Uint8Arrays (JsValues), and of those only their bytes.
            b.allowHostAccess(BYTES_ONLY)
                    .allowHostClassLookup(c -> false)
                    .allowIO(IOAccess.NONE)
                    .allowCreateThread(false)
                    .allowNativeAccess(false)
                    .allowCreateProcess(false)
                    .allowEnvironmentAccess(EnvironmentAccess.NONE)
                    .allowPolyglotAccess(PolyglotAccess.NONE)
                    .allowExperimentalOptions(true)
                    .option("js.load", "false")
                    .option("js.java-package-globals", "false")
                    .option("js.graal-builtin", "false")
                    .option("js.polyglot-builtin", "false")
                    .option("js.shared-array-buffer", "false")
                    .option("js.atomics", "false");
        } else {
            b.allowAllAccess(true);
        }
        if (settings.limitExecution()) {
            b.allowExperimentalOptions(true)
                    .option("js.string-length-limit", Long.toString(settings.maxStringLength()))
                    .option("js.max-typed-array-length", Long.toString(settings.maxTypedArrayLength()))
                    .resourceLimits(LIMITS.computeIfAbsent(settings.statementLimit(), n -> ResourceLimits.newBuilder()
                            .statementLimit(n, source -> !source.isInternal()).build()));
        }
        Context c = b.build();
        try {
            Value bindings = c.getBindings("js");
            JsValues.Constructors ctors = JsValues.Constructors.of(bindings);
            Value helpers = c.eval(SUPPORT_SOURCE).execute(c.eval("js", "globalThis"), settings.sandbox());
            for (DataProvider provider : providers) {
                Value lib = ctors.object().newInstance();
                for (Map.Entry<String, ProviderFunction> f : provider.functions().entrySet()) {
                    lib.putMember(f.getKey(), new ProviderCall(provider.name() + "." + f.getKey(), f.getValue(), ctors, script));
                }
                bindings.putMember(provider.name(), lib);
            }
            bindings.putMember("deny", (ProxyExecutable) args -> Denial.of(
                    args.length > 0 ? model(args[0]) : null, args.length > 1 ? model(args[1]) : null));
            bindings.putMember("__SCRIPT_INSTANCE_ID__", id);
            this.context = c;
            this.constructors = ctors;
            this.support = helpers;
            this.restore = helpers.getMember("restore");
        } catch (RuntimeException e) {
            c.close(true);
            throw e;
        }
    }

    private static final int MAX_ARGUMENT_MAKERS = 64;

    /**
     * The hook's argument object, made by one call of a function of this context that returns an
     * object literal with the arguments' keys (one per set of keys, made on first use): about a
     * quarter of the cost of filling a new object one interop call per key, in the interpreter.
     * Same object as before: a plain object whose keys are in the map's order, null values left out.
     */
    private Value argument(Map<String, Object> arguments) {
        List<String> keys = new ArrayList<>(arguments.size());
        List<Object> values = new ArrayList<>(arguments.size());
        for (Map.Entry<String, Object> e : arguments.entrySet()) {
            if (e.getValue() != null) {
                keys.add(e.getKey());
                values.add(JsValues.toJs(constructors, e.getValue()));
            }
        }
        // Looked up by the key list itself: no string to build per call (the keys' hashes are cached).
        Value maker = argumentMakers.get(keys);
        if (maker == null) {
            if (argumentMakers.size() >= MAX_ARGUMENT_MAKERS) {
                return JsValues.object(constructors, arguments);
            }
            StringBuilder src = new StringBuilder("(function (");
            for (int i = 0; i < keys.size(); i++) {
                src.append(i == 0 ? "" : ", ").append('a').append(i);
            }
            src.append(") { return {");
            for (int i = 0; i < keys.size(); i++) {
                src.append(i == 0 ? "" : ", ").append(jsString(keys.get(i))).append(": a").append(i);
            }
            src.append("}; })");
            maker = context.eval(Source.newBuilder("js", src.toString(), "polyhook-arguments.js").internal(true)
                    .cached(true).buildLiteral());
            argumentMakers.put(keys, maker);
        }
        return maker.execute(values.toArray());
    }

    /** A JavaScript string literal of {@code s}. */
    private static String jsString(String s) {
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

    private Object model(Value v) {
        try {
            return JsValues.toModel(v);
        } catch (JsValues.ConversionException e) {
            throw constructors.typeError().newInstance("deny: " + e.getMessage()).throwException();
        }
    }

    /**
     * Runs the file at top level, within the statement limit.
     *
     * @throws PolyglotException if the file does not parse, throws, or breaks a limit
     */
    void run() {
        if (settings.limitExecution()) {
            context.resetLimits();
        }
        Watchdog.Call call = settings.limitExecution() ? Watchdog.start(context, script) : null;
        try {
            context.eval(file);
        } finally {
            Watchdog.end(call);
        }
    }

    /** A global (a property of the global object or a top-level let/const) as the file left it. */
    Value global(String name) {
        return context.getBindings("js").getMember(name);
    }

    /** Takes the hook functions from this context's {@code hooks} object; returns those it lacks. */
    List<Hook<?>> bind(List<Hook<?>> declared) {
        Value table = global("hooks");
        List<Hook<?>> missing = new ArrayList<>();
        for (Hook<?> hook : declared) {
            Value f = table != null && table.hasMembers() ? table.getMember(hook.name()) : null;
            if (f != null && f.canExecute()) {
                hooks[hook.id()] = f;
            } else {
                missing.add(hook);
            }
        }
        bound = List.copyOf(declared);
        return missing;
    }

    /** From now on, global changes made by a call are undone after it ({@code keep_state = false}). */
    void isolateCalls() {
        isolated = true;
        support.invokeMember("snapshot");
    }

    /**
     * Calls the hook function of {@code hook} with the argument object built from {@code arguments}.
     *
     * @return what it returned as a model value, or {@link HookResults#values} of a {@code deny()}
     * @throws PolyglotException               if the script throws, breaks a limit or is interrupted
     * @throws JsValues.ConversionException    if it returned something without a model value
     * @throws ScriptCallException             if the context is broken and cannot be rebuilt
     */
    Object call(Hook<?> hook, Map<String, Object> arguments) throws ScriptCallException {
        if (broken) {
            rebuild();
        }
        Value f = hooks[hook.id()];
        if (f == null) {
            throw new ScriptCallException(script + ": context " + id + " has no function for " + hook.name());
        }
        Value argument = argument(arguments);
        if (settings.limitExecution()) {
            context.resetLimits();
        }
        Watchdog.Call call = settings.limitExecution() ? Watchdog.start(context, script) : null;
        try {
            Value returned = f.execute(argument);
            if (returned.isProxyObject() && returned.asProxyObject() instanceof Denial d) {
                return HookResults.values(Boolean.FALSE, d.more());
            }
            return JsValues.toModel(returned);
        } catch (PolyglotException e) {
            if (e.isCancelled() || e.isResourceExhausted() || e.isExit() || e.isInternalError()) {
                broken = true;
            }
            throw e;
        } finally {
            Watchdog.end(call);
            if (isolated && !broken) {
                try {
                    restore.execute();
                } catch (PolyglotException e) {
                    broken = true;
                }
            }
        }
    }

    /** Replaces a context that a limit closed: a new one, the file run again, the hooks bound again. */
    private void rebuild() throws ScriptCallException {
        close();
        try {
            open();
            run();
            List<Hook<?>> missing = bind(bound);
            if (!missing.isEmpty()) {
                throw new ScriptCallException(script + ": context " + id + " lost its functions for "
                        + missing.stream().map(Hook::name).toList() + " when it was rebuilt");
            }
            if (isolated) {
                isolateCalls();
            }
            broken = false;
        } catch (PolyglotException | IllegalStateException e) {
            throw new ScriptCallException(script + ": context " + id + " could not be rebuilt after a limit: "
                    + e.getMessage());
        }
    }

    /** Closes the context, cancelling anything that still runs in it. */
    void close() {
        argumentMakers.clear();
        Context c = context;
        if (c != null) {
            try {
                c.close(true);
            } catch (RuntimeException e) {
                // Already closed (by a limit) or closing: nothing to release.
            }
        }
    }
}
