package io.polyhook.broker.config;

import io.polyhook.core.hook.TimeoutFallback;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code scripts} section.
 *
 * @param dir         every script file directly in it is loaded at start, alphabetically
 * @param files       more scripts, loaded after {@code dir}
 * @param states      the default {@code num_states}
 * @param hookTimeout the deadline of one handler call
 * @param engines     engine options by file extension ({@code scripts.lua}, {@code scripts.js}),
 *                    as plain values, e.g. {@code lua -> {keep_state: true, sandbox: {...}}}
 * @param timeoutFallback what a handler call that misses its deadline counts as ({@code scripts.timeout_fallback})
 * @param hooks       per hook point ({@code scripts.hooks.<hook>}): its own deadline and fallback
 * @param onLoadError whether a script that is missing or fails to load at start stops the start
 *                    ({@code scripts.on_load_error})
 */
public record ScriptsConfig(String dir, List<String> files, int states, Duration hookTimeout,
                            Map<String, Map<String, Object>> engines, TimeoutFallback timeoutFallback,
                            Map<String, HookPolicy> hooks, OnLoadError onLoadError) {

    /**
     * The deadline and timeout fallback of one hook point, where the config sets them.
     *
     * @param timeout  the deadline, or null for {@code hook_timeout}
     * @param fallback the fallback, or null for {@code timeout_fallback}
     */
    public record HookPolicy(Duration timeout, TimeoutFallback fallback) {
    }

    /**
     * {@code scripts/}, no extra files, 1 state (vmq_diversity's {@code nr_lua_states}: a script
     * that does not set {@code num_states} runs its top-level code once), 5 s.
     */
    public static final ScriptsConfig DEFAULT = new ScriptsConfig("scripts", List.of(), 1, Duration.ofSeconds(5));

    /** Checks every field is present; copies the file list and the engine options. */
    public ScriptsConfig {
        Objects.requireNonNull(dir, "dir");
        files = List.copyOf(files);
        Objects.requireNonNull(hookTimeout, "hookTimeout");
        // Not Map.copyOf: an option without a value is a legitimate null in YAML.
        Map<String, Map<String, Object>> copy = new LinkedHashMap<>();
        engines.forEach((ext, options) -> copy.put(ext, Collections.unmodifiableMap(new LinkedHashMap<>(options))));
        engines = Collections.unmodifiableMap(copy);
        Objects.requireNonNull(timeoutFallback, "timeoutFallback");
        hooks = Map.copyOf(hooks);
        Objects.requireNonNull(onLoadError, "onLoadError");
    }

    /** The section with a script that fails at start stopping the start. */
    public ScriptsConfig(String dir, List<String> files, int states, Duration hookTimeout,
                         Map<String, Map<String, Object>> engines, TimeoutFallback timeoutFallback,
                         Map<String, HookPolicy> hooks) {
        this(dir, files, states, hookTimeout, engines, timeoutFallback, hooks, OnLoadError.FAIL);
    }

    /** The section without engine options, with deny on timeout. */
    public ScriptsConfig(String dir, List<String> files, int states, Duration hookTimeout) {
        this(dir, files, states, hookTimeout, Map.of());
    }

    /** The section with engine options, with deny on timeout. */
    public ScriptsConfig(String dir, List<String> files, int states, Duration hookTimeout,
                         Map<String, Map<String, Object>> engines) {
        this(dir, files, states, hookTimeout, engines, TimeoutFallback.DENY, Map.of());
    }

    /** The options of the engine that takes {@code extension} files; empty if none are set. */
    public Map<String, Object> engineOptions(String extension) {
        return engines.getOrDefault(extension, Map.of());
    }

    /** This section with other engine options. */
    public ScriptsConfig withEngines(Map<String, Map<String, Object>> value) {
        return new ScriptsConfig(dir, files, states, hookTimeout, value, timeoutFallback, hooks, onLoadError);
    }

    /** This section with another rule for scripts that fail at start. */
    public ScriptsConfig withOnLoadError(OnLoadError value) {
        return new ScriptsConfig(dir, files, states, hookTimeout, engines, timeoutFallback, hooks, value);
    }
}
