package io.polyhook.broker.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The {@code scripts} section.
 *
 * @param dir         every script file directly in it is loaded at start, alphabetically
 * @param files       more scripts, loaded after {@code dir}
 * @param states      the default {@code num_states}
 * @param hookTimeout the deadline of one handler call
 */
public record ScriptsConfig(String dir, List<String> files, int states, Duration hookTimeout) {

    /** {@code scripts/}, no extra files, 4 states, 5 s. */
    public static final ScriptsConfig DEFAULT = new ScriptsConfig("scripts", List.of(), 4, Duration.ofSeconds(5));

    /** Checks every field is present; copies the file list. */
    public ScriptsConfig {
        Objects.requireNonNull(dir, "dir");
        files = List.copyOf(files);
        Objects.requireNonNull(hookTimeout, "hookTimeout");
    }
}
