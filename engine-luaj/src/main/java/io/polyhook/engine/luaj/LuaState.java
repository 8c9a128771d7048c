package io.polyhook.engine.luaj;

import io.polyhook.core.hook.HookIndex;
import io.polyhook.core.script.StatePool;

import io.polyhook.core.provider.DataProvider;
import io.polyhook.core.provider.ProviderFunction;
import io.polyhook.core.script.ScriptSource;
import io.polyhook.spi.Hook;
import io.polyhook.spi.Hooks;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * One Lua interpreter of a script: its globals, the file run in them, and the hook functions
 * the file declared. Serves one call at a time (the {@link StatePool} sees to that).
 *
 * <p>Scripts never see the real globals table. Their {@code _ENV} is {@link ScriptGlobals}, a
 * table that stays empty and whose metatable sends reads and writes on: to the real globals while
 * the file loads (and always, with {@code keep_state = true}); with {@code keep_state = false},
 * after the load, to an overlay table that falls back to the real globals for reads. A call that
 * assigned a global leaves its value in the overlay, which is then dropped: the next call sees
 * the globals as the load left them, at the cost of one {@code next} when nothing was assigned.
 * Two differences from vmq_diversity, which restores the whole state: tables reachable from
 * globals are shared, not copied, so changing their fields is kept; and assigning {@code nil}
 * to a global defined at load does not hide it during that call.
 */
final class LuaState {

    private final int id;
    private final String script;
    private final Globals globals;
    private final ScriptGlobals env;
    private final LuaTable envMeta = new LuaTable();
    private final LuaTable overlayMeta = new LuaTable();
    private final LuaBudget budget;
    private final LuaValue strings;
    private final LuaFunction[] hooks = new LuaFunction[Hooks.all().size()];
    private LuaTable overlay;
    private boolean isolated;

    /**
     * @param callLimit how long a hook call may run (the hook deadline): the engine stops a call
     *                  by itself after it, as well as when the dispatcher interrupts it
     */
    LuaState(int id, ScriptSource source, LuaSettings settings, List<DataProvider> providers, Duration callLimit) {
        this.id = id;
        this.script = source.displayName();
        this.budget = new LuaBudget(settings, callLimit);
        this.globals = LuaSandbox.newGlobals(settings, budget, script);
        this.env = new ScriptGlobals(globals);
        envMeta.rawset(LuaValue.INDEX, globals);
        envMeta.rawset(LuaValue.NEWINDEX, globals);
        envMeta.rawset(LuaValue.METATABLE, LuaValue.FALSE);
        env.setmetatable(envMeta);
        overlayMeta.rawset(LuaValue.INDEX, globals);
        LuaSandbox.confine(globals, env, source.root(), settings, budget);
        env.finder = globals.finder;
        LuaValue pairs = globals.get("pairs");
        globals.rawset("pairs", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                // The proxy is empty; iterating _G must show what the script can read through it.
                return args.arg1() == env ? pairs.invoke(visibleGlobals()) : pairs.invoke(args);
            }
        });
        this.strings = globals.get("string");
        for (DataProvider provider : providers) {
            LuaTable lib = new LuaTable();
            for (Map.Entry<String, ProviderFunction> f : provider.functions().entrySet()) {
                lib.rawset(f.getKey(), new ProviderCall(provider.name() + "." + f.getKey(), f.getValue(), scriptName(source),
                        budget));
            }
            globals.rawset(provider.name(), lib);
        }
        globals.rawset("__SCRIPT_INSTANCE_ID__", LuaValue.valueOf(id));
        // What the state holds: its globals (and the overlay of the running call), and what the
        // running call's frames reach.
        budget.measureWith(() -> LiveSize.of(budget, new LuaValue[] {globals, env, overlay}));
    }

    /** The state's number, 1..N, as the script sees it in {@code __SCRIPT_INSTANCE_ID__}. */
    int id() {
        return id;
    }

    /**
     * Runs the compiled file at top level, within the budget.
     *
     * @throws LuaError          if the file raises an error
     * @throws SandboxViolation  if it breaks a limit
     */
    void run(Prototype file) {
        budget.begin(CallTimer.Phase.LOADING);
        LuaSandbox.enter(strings);
        try {
            new LuaClosure(file, env).call();
        } finally {
            budget.end();
            LuaSandbox.exit();
        }
    }

    /** The real globals, to compile the file with. */
    Globals globalsForCompile() {
        return globals;
    }

    /** A global as the file left it, read without metamethods. */
    LuaValue global(String name) {
        return globals.rawget(name);
    }

    /** Takes the hook functions from this state's {@code hooks} table; returns those it lacks. */
    List<Hook<?>> bind(List<Hook<?>> declared) {
        LuaValue table = globals.rawget("hooks");
        List<Hook<?>> missing = new java.util.ArrayList<>();
        for (Hook<?> hook : declared) {
            LuaValue f = table.istable() ? table.rawget(hook.name()) : LuaValue.NIL;
            if (f.isfunction()) {
                hooks[HookIndex.of(hook)] = (LuaFunction) f;
            } else {
                missing.add(hook);
            }
        }
        return missing;
    }

    /** From now on, global assignments made by a call are dropped after it ({@code keep_state = false}). */
    void isolateCalls() {
        isolated = true;
        overlay = newOverlay();
    }

    /**
     * Calls the hook function of {@code hook} with one argument, and converts what it returned
     * while the call's budget still holds.
     *
     * @param convert what to make of the returned values (given the budget to meter it with)
     * @throws LuaError          if the script raises an error
     * @throws SandboxViolation  if it breaks a limit, runs past its deadline or its thread is interrupted
     */
    <T> T call(Hook<?> hook, LuaValue argument, BiFunction<Varargs, LuaBudget, T> convert) {
        LuaFunction f = hooks[HookIndex.of(hook)];
        if (f == null) {
            throw new LuaError(script + ": state " + id + " has no function for " + hook.name());
        }
        budget.begin(CallTimer.Phase.CALLING);
        LuaSandbox.enter(strings);
        try {
            return convert.apply(f.invoke(argument), budget);
        } finally {
            budget.end();
            LuaSandbox.exit();
            if (isolated) {
                discardAssignments();
            }
        }
    }

    private void discardAssignments() {
        if (!overlay.next(LuaValue.NIL).arg1().isnil()) {
            overlay = newOverlay();
        }
        // rawset(_G, k, v) writes into the proxy itself.
        if (!env.next(LuaValue.NIL).arg1().isnil()) {
            for (LuaValue k : env.keys()) {
                env.rawset(k, LuaValue.NIL);
            }
        }
    }

    /** A copy of the globals as scripts read them now: real globals, then this call's assignments. */
    private LuaTable visibleGlobals() {
        LuaTable copy = new LuaTable();
        for (LuaTable layer : new LuaTable[] {globals, isolated ? overlay : null, env}) {
            if (layer != null) {
                for (LuaValue k : layer.keys()) {
                    copy.rawset(k, layer.rawget(k));
                }
            }
        }
        return copy;
    }

    private LuaTable newOverlay() {
        LuaTable t = new LuaTable();
        t.setmetatable(overlayMeta);
        envMeta.rawset(LuaValue.INDEX, t);
        envMeta.rawset(LuaValue.NEWINDEX, t);
        return t;
    }

    /**
     * What a script sees as its globals ({@code _ENV}, {@code _G}): an always empty table that
     * forwards through its metatable. It is a {@link Globals} because LuaJ only runs its debug
     * hooks, and so the budget, for closures whose environment is one.
     */
    private static final class ScriptGlobals extends Globals {
        ScriptGlobals(Globals real) {
            this.running = real.running;
            this.debuglib = real.debuglib;
            this.finder = real.finder;
            this.baselib = real.baselib;
            this.package_ = real.package_;
            this.loader = real.loader;
            this.compiler = real.compiler;
            this.undumper = real.undumper;
            this.STDOUT = real.STDOUT;
            this.STDERR = real.STDERR;
            this.STDIN = real.STDIN;
        }
    }

    /** The file name without its extension: scripts/auth.lua is "auth". */
    static String scriptName(ScriptSource source) {
        String file = source.path().getFileName().toString();
        int dot = file.lastIndexOf('.');
        return dot > 0 ? file.substring(0, dot) : file;
    }
}
