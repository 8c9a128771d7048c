package io.polyhook.broker.config;

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
 */
public record ScriptsConfig(String dir, List<String> files, int states, Duration hookTimeout,
                            Map<String, Map<String, Object>> engines) {

    /** {@code scripts/}, no extra files, 4 states, 5 s. */
    public static final ScriptsConfig DEFAULT = new ScriptsConfig("scripts", List.of(), 4, Duration.ofSeconds(5));

    /** Checks every field is present; copies the file list and the engine options. */
    public ScriptsConfig {
        Objects.requireNonNull(dir, "dir");
        files = List.copyOf(files);
        Objects.requireNonNull(hookTimeout, "hookTimeout");
        // Not Map.copyOf: an option without a value is a legitimate null in YAML.
        Map<String, Map<String, Object>> copy = new LinkedHashMap<>();
        engines.forEach((ext, options) -> copy.put(ext, Collections.unmodifiableMap(new LinkedHashMap<>(options))));
        engines = Collections.unmodifiableMap(copy);
    }

    /** The section without engine options. */
    public ScriptsConfig(String dir, List<String> files, int states, Duration hookTimeout) {
        this(dir, files, states, hookTimeout, Map.of());
    }

    /** The options of the engine that takes {@code extension} files; empty if none are set. */
    public Map<String, Object> engineOptions(String extension) {
        return engines.getOrDefault(extension, Map.of());
    }

    /** This section with other engine options. */
    public ScriptsConfig withEngines(Map<String, Map<String, Object>> value) {
        return new ScriptsConfig(dir, files, states, hookTimeout, value);
    }
}
