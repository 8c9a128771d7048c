package io.polyhook.core.script;

import io.polyhook.core.provider.DataProvider;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the broker gives an engine to load a script with.
 *
 * @param providers     the libraries to install into every state of every script, by their names
 * @param defaultStates the number of states of a script that does not choose one
 *                      ({@code scripts.states}; vmq_diversity's {@code nr_lua_states})
 * @param stateWait     how long a call waits for a free state before it fails; bounded, unlike
 *                      vmq_diversity, so a saturated script cannot hold a client forever
 * @param settings      engine and sandbox options from the config file, as plain values
 *                      ({@code String}, {@code Boolean}, {@code Long}, lists, maps). The
 *                      broker's script manager gives each engine only its own options: see
 *                      {@link #forEngine(ScriptEngine)}
 */
public record ScriptEnvironment(List<DataProvider> providers, int defaultStates, Duration stateWait,
                                Map<String, Object> settings) {

    /**
     * The number of states of a script that does not choose one, as in the default config: 1, as
     * vmq_diversity's {@code nr_lua_states}, so a script's top-level code runs once.
     */
    public static final int DEFAULT_STATES = 1;

    /** How long a call waits for a free state by default: the default hook deadline. */
    public static final Duration DEFAULT_STATE_WAIT = Duration.ofSeconds(5);

    /** Copies the collections and checks the numbers. */
    public ScriptEnvironment {
        providers = List.copyOf(providers);
        if (defaultStates < 1) {
            throw new IllegalArgumentException("defaultStates must be at least 1, was " + defaultStates);
        }
        Objects.requireNonNull(stateWait, "stateWait");
        if (stateWait.isNegative() || stateWait.isZero()) {
            throw new IllegalArgumentException("stateWait must be positive, was " + stateWait);
        }
        // Not Map.copyOf: a YAML key without a value is a legitimate null.
        settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    /** No providers, {@value #DEFAULT_STATES} states, the default wait, no settings. */
    public static ScriptEnvironment defaults() {
        return new ScriptEnvironment(List.of(), DEFAULT_STATES, DEFAULT_STATE_WAIT, Map.of());
    }

    /**
     * This environment as {@code engine} sees it: the settings are the sections named after the
     * engine's file extensions ({@code lua}, {@code js}), merged, so that each language keeps its
     * own options (config {@code scripts.lua: {...}}, {@code scripts.js: {...}}) and one engine
     * never rejects another's keys.
     */
    public ScriptEnvironment forEngine(ScriptEngine engine) {
        Map<String, Object> own = new LinkedHashMap<>();
        for (String extension : new java.util.TreeSet<>(engine.extensions())) {
            if (settings.get(extension) instanceof Map<?, ?> section) {
                section.forEach((k, v) -> own.put(String.valueOf(k), v));
            }
        }
        return new ScriptEnvironment(providers, defaultStates, stateWait, own);
    }

    /**
     * This environment for one script: an engine section may hold {@code scripts}, a map from
     * file name to settings that apply to that script only, merged over the section's (maps are
     * merged key by key, so {@code {sandbox: {block_io: false}}} changes one part and keeps the
     * others). This is how a single trusted script gets a looser sandbox than the rest.
     */
    public ScriptEnvironment forScript(ScriptSource source) {
        if (!(settings.get("scripts") instanceof Map<?, ?> perScript)) {
            return this;
        }
        Map<String, Object> merged = new LinkedHashMap<>(settings);
        merged.remove("scripts");
        if (perScript.get(source.path().getFileName().toString()) instanceof Map<?, ?> own) {
            merge(merged, own);
        }
        return new ScriptEnvironment(providers, defaultStates, stateWait, merged);
    }

    private static void merge(Map<String, Object> into, Map<?, ?> from) {
        from.forEach((k, v) -> {
            String key = String.valueOf(k);
            if (v instanceof Map<?, ?> inner && into.get(key) instanceof Map<?, ?> existing) {
                Map<String, Object> copy = new LinkedHashMap<>();
                existing.forEach((ek, ev) -> copy.put(String.valueOf(ek), ev));
                merge(copy, inner);
                into.put(key, copy);
            } else {
                into.put(key, v);
            }
        });
    }

    /** This environment with other providers. */
    public ScriptEnvironment withProviders(List<DataProvider> others) {
        return new ScriptEnvironment(others, defaultStates, stateWait, settings);
    }
}
