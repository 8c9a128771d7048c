package io.polyhook.engine.graaljs;

import io.polyhook.core.hook.HookIndex;
import io.polyhook.core.script.ScriptCallException;

import io.polyhook.core.script.StatePool;

import io.polyhook.core.provider.DataProvider;
import io.polyhook.core.provider.ProviderFunction;
import io.polyhook.core.script.model.HookResults;
import io.polyhook.spi.Hook;
import io.polyhook.spi.HookContext;
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
 * thread. A call is one crossing into JavaScript ({@link Invokers}): the argument object, the hook
 * and the restore below run as one guest call, watched by the {@link Watchdog} (deadline, memory).
 *
 * <p>With {@code keep_state = false}, the global object is snapshotted after the load (names and
 * property descriptors) and restored after every call (polyhook-support.js): globals a call added
 * are deleted, globals it reassigned or deleted get their load-time value back. The restore is
 * bounded: a call that added more than 64 globals gets none deleted; the context is replaced by a
 * new one on the shared engine (the file run again) before the next call. Like the Lua engine,
 * objects reachable from globals are shared, not copied, so changing their fields is kept; and
 * top-level {@code let}/{@code const}/{@code class} bindings, which are not properties of the
 * global object, behave like Lua's top-level locals: changes to them are kept.
 *
 * <p>A context that a limit or the memory cap closed, or (with {@code keep_state = false}) whose
 * call was interrupted, is rebuilt the same way before its next call.
 */
final class JsState {

    private static final Source SUPPORT_SOURCE = support();
    // More script globals than this are checked by a loop instead of compiled code.
    private static final int MAX_COMPILED_CHECKS = 512;
    private static final Map<Long, ResourceLimits> LIMITS = new ConcurrentHashMap<>();
    private static Source support() {
        try (var in = JsState.class.getResourceAsStream("polyhook-support.js")) {
            String text = new String(java.util.Objects.requireNonNull(in, "polyhook-support.js").readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8);
            return Source.newBuilder("js", text, "polyhook-support.js").internal(true).cached(true).buildLiteral();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static final HostAccess BYTES_ONLY = HostAccess.newBuilder(HostAccess.NONE).allowBufferAccess(true).build();

    /** Whether the context can take the next call as it is. */
    private enum Condition {
        READY,
        /** Closed by a limit, stopped mid-call, or too many globals to undo: a new context first. */
        REBUILD
    }

    private final int id;
    private final String script;
    private final Source file;
    private final JsSettings settings;
    private final List<DataProvider> providers;
    private final Value[] hooks = new Value[Hooks.all().size()];
    private final Watchdog.Slot slot;
    private List<Hook<?>> bound = List.of();
    private boolean isolated;
    private Context context;
    private JsValues.Constructors constructors;
    private Invokers invokers;
    private Value support;
    private Value restore;
    // Runs first in the guest call of every hook call (Invokers): the statement limit's reset, or nothing.
    private Value begin;
    private Condition condition = Condition.READY;

    JsState(int id, String script, Source file, JsSettings settings, List<DataProvider> providers) {
        this.id = id;
        this.script = script;
        this.file = file;
        this.settings = settings;
        this.providers = List.copyOf(providers);
        this.slot = settings.limitExecution() ? Watchdog.slot(script, settings.maxCallMemory()) : null;
        try {
            open();
        } catch (RuntimeException e) {
            if (slot != null) {
                slot.close();
            }
            throw e;
        }
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
                    .option("js.atomics", "false")
                    // BigInt arithmetic runs in Java without interrupt checks: 2n ** 2000000000n
                    // takes seconds and 250 MB that no deadline or memory cap can stop.
                    .option("js.bigint", "false");
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
            Value helpers = c.eval(SUPPORT_SOURCE).execute(c.eval("js", "globalThis"), settings.sandbox(),
                    settings.limitExecution() ? settings.maxArrayLength() : 0,
                    (ProxyExecutable) args -> {
                        // More globals added than the restore deletes: a fresh context instead.
                        condition = Condition.REBUILD;
                        return null;
                    });
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
            this.restore = helpers.getMember("noRestore");
            // The statement limit restarts from inside the call's own guest call: Context.resetLimits
            // from Java enters the context on its own, and an enter on a thread other than the
            // context's last one takes Truffle's slow path (a lock, thread bookkeeping); the lanes'
            // virtual threads change from call to call. Inside the call the context is entered
            // already. The invoker is strict internal code: the script sees neither it nor its arguments.
            // A guest value once, not a host object converted on every call.
            this.begin = settings.limitExecution() ? c.asValue((ProxyExecutable) args -> {
                c.resetLimits();
                return null;
            }) : restore;
            this.invokers = new Invokers(c, ctors);
        } catch (RuntimeException e) {
            c.close(true);
            throw e;
        }
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
        if (slot != null) {
            slot.begin(context);
        }
        try {
            context.eval(file);
        } finally {
            if (slot != null) {
                slot.end();
            }
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
                hooks[HookIndex.of(hook)] = f;
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
        Value globals = support.invokeMember("snapshot");
        Value names = globals.getMember("names");
        Value kinds = globals.getMember("kinds");
        if (names.getArraySize() <= MAX_COMPILED_CHECKS) {
            support.invokeMember("install", context.eval(globalsCheck(names, kinds)));
        }
        restore = support.getMember("restore");
    }

    /**
     * A function checking each of the script's globals by its own name: compiled, that is a few
     * machine instructions per global, where a loop over the names looks each one up by key.
     */
    private static Source globalsCheck(Value names, Value kinds) {
        StringBuilder src = new StringBuilder("(function (g, d, fix, hasOwn, is, describe) { 'use strict';\n");
        for (int i = 0; i < names.getArraySize(); i++) {
            String n = Invokers.jsString(names.getArrayElement(i).asString());
            String at = "g[" + n + "]";
            src.append(switch (kinds.getArrayElement(i).asInt()) {
                case 0 -> at + " === d[" + i + "].value || fix(" + i + ");\n";
                case 1 -> "(hasOwn(g, " + n + ") && " + at + " === undefined) || fix(" + i + ");\n";
                case 2 -> "is(" + at + ", d[" + i + "].value) || fix(" + i + ");\n";
                default -> "{ const c = describe(g, " + n + "); (c !== undefined && c.get === d[" + i + "].get && c.set === d["
                        + i + "].set) || fix(" + i + "); }\n";
            });
        }
        src.append("})");
        return Source.newBuilder("js", src.toString(), "polyhook-globals.js").internal(true).buildLiteral();
    }

    /**
     * Calls the hook function of {@code hook} with the argument object of {@code hookContext}.
     *
     * @return what it returned as a model value, or {@link HookResults#values} of a {@code deny()}
     * @throws PolyglotException               if the script throws, breaks a limit or is interrupted
     * @throws JsValues.ConversionException    if it returned something without a model value
     * @throws ScriptCallException             if the context is broken and cannot be rebuilt
     */
    Object call(Hook<?> hook, HookContext hookContext) throws ScriptCallException {
        if (condition == Condition.REBUILD) {
            rebuild();
        }
        Value f = hooks[HookIndex.of(hook)];
        if (f == null) {
            throw new ScriptCallException(script + ": context " + id + " has no function for " + hook.name());
        }
        if (slot != null) {
            slot.begin(context);
        }
        try {
            return result(invokers.call(hook, f, restore, begin, hookContext));
        } catch (PolyglotException e) {
            // A thrown JavaScript error ran the restore (a catch block); a stopped call may not
            // have, and a cancelled context is closed.
            if (!e.isGuestException() || e.isInterrupted() || e.isCancelled() || e.isResourceExhausted() || e.isExit()
                    || e.isInternalError()) {
                if (isolated || e.isCancelled() || e.isResourceExhausted() || e.isExit() || e.isInternalError()) {
                    condition = Condition.REBUILD;
                }
            }
            throw e;
        } finally {
            if (slot != null) {
                slot.end();
            }
        }
    }

    /** What a hook returned as a model value; the common answers (a boolean, nothing) first. */
    private static Object result(Value returned) {
        if (returned.isBoolean()) {
            return returned.asBoolean();
        }
        if (returned.isNull()) {
            return null;
        }
        if (returned.isProxyObject() && returned.asProxyObject() instanceof Denial d) {
            return HookResults.values(Boolean.FALSE, d.more());
        }
        return JsValues.toModel(returned);
    }

    /** Why the watchdog stopped the last call, if it did. */
    Watchdog.Stop stopped() {
        return slot == null ? Watchdog.Stop.NONE : slot.stopped();
    }

    /** The per-call memory cap in force, in bytes (0: none). */
    long memoryCap() {
        return slot == null ? 0 : slot.memoryCap();
    }

    /** Replaces the context: a new one on the shared engine, the file run again, the hooks bound again. */
    private void rebuild() throws ScriptCallException {
        closeContext();
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
            condition = Condition.READY;
        } catch (PolyglotException | IllegalStateException e) {
            throw new ScriptCallException(script + ": context " + id + " could not be rebuilt after a limit: "
                    + e.getMessage());
        }
    }

    /** Closes the context for good, cancelling anything that still runs in it. */
    void close() {
        closeContext();
        if (slot != null) {
            slot.close();
        }
    }

    private void closeContext() {
        if (invokers != null) {
            invokers.clear();
        }
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
