package io.polyhook.engine.graaljs;

import io.polyhook.core.script.LoadedScript;
import io.polyhook.core.script.ScriptEngine;
import io.polyhook.core.script.ScriptEnvironment;
import io.polyhook.core.script.ScriptLoadException;
import io.polyhook.core.script.ScriptSource;

import java.util.Set;

/**
 * Runs {@code .js} scripts on GraalJS, with the Lua engine's contract: a global {@code hooks}
 * object maps hook names to functions that take the same argument object and return
 * {@code true}, {@code false}, nothing or a modifier object; {@code deny(code, reason)} denies
 * with an MQTT 5 reason; {@code num_states}, {@code keep_state} and {@code __SCRIPT_INSTANCE_ID__}
 * mean what they mean in vmq_diversity; every provider of the environment is a global object of
 * functions. See the module's README for the value mapping.
 *
 * <p>All scripts share one Polyglot engine (built on first use, closed at JVM exit); each script
 * has a pool of contexts created at load. On a stock JDK, GraalJS runs interpreted, without the
 * "interpreter only" warning.
 *
 * <p>Settings ({@link ScriptEnvironment#settings()}): {@code keep_state}, a boolean, is the
 * default for scripts that do not set the global (false). {@code sandbox}, a map, tunes the
 * sandbox, which is on by default; scripts cannot change any of it. An unknown key fails every
 * load. The Lua engine's keys ({@code block_luajava}, {@code max_call_depth}, ...) are accepted
 * and ignored, so one map can serve both engines.
 *
 * <table>
 *   <caption>Keys of {@code sandbox}</caption>
 *   <tr><th>key</th><th>when on (the default)</th></tr>
 *   <tr><td>{@code enabled}</td><td>no host (Java) access or class lookup, no IO, threads,
 *       processes, native or environment access, no polyglot access; no {@code Java},
 *       {@code Packages}, {@code Graal}, {@code load}, {@code SharedArrayBuffer}, {@code Atomics}.
 *       {@code false} allows all of it and turns the limits off</td></tr>
 *   <tr><td>{@code limit_execution}</td><td>the limits below, and a call whose thread is
 *       interrupted (deadline missed) stops</td></tr>
 *   <tr><td>{@code statement_limit} (or {@code instruction_limit})</td><td>JavaScript statements
 *       per call, and for running the file at load; 1,000,000</td></tr>
 *   <tr><td>{@code max_string_size}</td><td>characters of a string a script builds; 16 Mi</td></tr>
 *   <tr><td>{@code max_typed_array_length}</td><td>elements of a typed array or bytes of an
 *       {@code ArrayBuffer}; as {@code max_string_size}</td></tr>
 * </table>
 *
 * <p>A limit stops the call (or the load) with {@code file:line: what}; {@code try/catch}
 * cannot catch a statement limit, and the context is rebuilt before its next call.
 */
public final class GraalJsEngine implements ScriptEngine {

    /** The engine; {@link java.util.ServiceLoader} uses this constructor. */
    public GraalJsEngine() {
    }

    @Override
    public String name() {
        return "graaljs";
    }

    @Override
    public Set<String> extensions() {
        return Set.of("js");
    }

    @Override
    public LoadedScript load(ScriptSource source, ScriptEnvironment environment) throws ScriptLoadException {
        JsSettings settings;
        try {
            settings = JsSettings.of(environment.settings());
        } catch (IllegalArgumentException e) {
            throw new ScriptLoadException(source.path(), "invalid JavaScript engine setting: " + e.getMessage(), e);
        }
        return JsScript.load(source, environment, settings);
    }
}
