package io.polyhook.engine.luaj;

import io.polyhook.core.script.LoadedScript;
import io.polyhook.core.script.ScriptEngine;
import io.polyhook.core.script.ScriptEnvironment;
import io.polyhook.core.script.ScriptLoadException;
import io.polyhook.core.script.ScriptSource;

import java.util.Set;

/**
 * Runs {@code .lua} scripts on LuaJ, as vmq_diversity runs them, in Lua 5.3 (the language of
 * VerneMQ 2: {@link io.polyhook.engine.luaj.lua53.Lua53Compiler} and
 * {@link io.polyhook.engine.luaj.lua53.Lua53Library} give LuaJ's 5.2 what 5.3 adds): a global {@code hooks} table
 * declares the hook functions; {@code num_states}, {@code keep_state} and
 * {@code __SCRIPT_INSTANCE_ID__} mean what they mean there; every provider of the environment is
 * a global table of functions; {@code require} finds pure-Lua modules in the scripts directory.
 *
 * <p>Settings ({@link ScriptEnvironment#settings()}): {@code keep_state}, a boolean, is the
 * default for scripts that do not set the global (false). {@code sandbox}, a map, tunes the
 * sandbox, which is on by default; each part stays on unless its key is {@code false}, and
 * scripts cannot change any of it. An unknown key fails every load, so a typo is not a silent
 * hole. The sandbox stops runaway and dangerous scripts, not ordinary ones: what it takes away
 * raises an error naming the key that gives it back.
 *
 * <table>
 *   <caption>Keys of {@code sandbox}</caption>
 *   <tr><th>key</th><th>when on (the default)</th></tr>
 *   <tr><td>{@code enabled}</td><td>{@code false} turns every part off</td></tr>
 *   <tr><td>{@code block_luajava}</td><td>no {@code luajava}: no access to Java classes</td></tr>
 *   <tr><td>{@code block_io}</td><td>no {@code io} but {@code io.write}, which logs like {@code print}</td></tr>
 *   <tr><td>{@code restrict_os}</td><td>{@code os} has only clock, date, time, difftime, getenv;
 *       {@code collectgarbage} never runs the JVM's collector</td></tr>
 *   <tr><td>{@code hide_debug}</td><td>no {@code debug} but {@code debug.traceback}</td></tr>
 *   <tr><td>{@code confine_files}</td><td>{@code dofile} and {@code loadfile} read only files inside
 *       the scripts directory; {@code require} also reads {@code .lua} files along {@code package.path}</td></tr>
 *   <tr><td>{@code block_bytecode}</td><td>no precompiled (binary) chunks, whatever the mode</td></tr>
 *   <tr><td>{@code block_coroutines}</td><td>no {@code coroutine}: LuaJ runs each coroutine on a
 *       platform thread of its own</td></tr>
 *   <tr><td>{@code limit_execution}</td><td>the limits below, and the deadlines: a hook call stops at
 *       its deadline (the dispatcher's interrupt, and, a little later, the engine's own clock set
 *       to the environment's state wait, which the broker sets to the longest hook deadline)</td></tr>
 *   <tr><td>{@code load_timeout}</td><td>how long the file's top-level code may run when a state
 *       loads it: a duration ({@code "10s"}, {@code "500ms"}) or milliseconds; 10 s</td></tr>
 *   <tr><td>{@code max_memory}</td><td>bytes one state may hold (its globals and what the running
 *       call keeps); 64 MiB (67108864)</td></tr>
 *   <tr><td>{@code max_string_size}</td><td>bytes of one string built by a script; 16 MiB (16777216)</td></tr>
 *   <tr><td>{@code max_call_depth}</td><td>nested function calls; 200</td></tr>
 *   <tr><td>{@code instruction_limit}</td><td>Lua instructions per call and per load; none unless set</td></tr>
 * </table>
 *
 * <p>A violation stops the call (or the load) with {@code file:line: what (key)}; {@code pcall}
 * cannot catch it, and the state goes on serving. Library functions that loop or build (string
 * patterns, {@code string.rep}, {@code table.concat}, {@code table.sort}, {@code os.date}, the
 * conversions for provider libraries) count their work and what they build to the same limits.
 */
public final class LuaEngine implements ScriptEngine {

    /** The engine; {@link java.util.ServiceLoader} uses this constructor. */
    public LuaEngine() {
    }

    @Override
    public String name() {
        return "luaj";
    }

    @Override
    public Set<String> extensions() {
        return Set.of("lua");
    }

    @Override
    public LoadedScript load(ScriptSource source, ScriptEnvironment environment) throws ScriptLoadException {
        LuaSettings settings;
        try {
            settings = LuaSettings.of(environment.settings());
        } catch (IllegalArgumentException e) {
            throw new ScriptLoadException(source.path(), "invalid Lua engine setting: " + e.getMessage(), e);
        }
        return LuaScript.load(source, environment, settings);
    }
}
