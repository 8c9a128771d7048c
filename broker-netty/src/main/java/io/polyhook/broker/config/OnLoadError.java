package io.polyhook.broker.config;

import java.util.Optional;

/** What a script that is missing or fails to load at start does to the start ({@code scripts.on_load_error}). */
public enum OnLoadError {
    /** The start stops with the script's file, line and error (the default). */
    FAIL("fail"),
    /** The script is skipped with a logged error and the broker starts without it. */
    WARN("warn");

    private final String configName;

    OnLoadError(String configName) {
        this.configName = configName;
    }

    /** The value in the config file: fail or warn. */
    public String configName() {
        return configName;
    }

    /** The value named {@code name} in a config file, or empty. */
    public static Optional<OnLoadError> of(String name) {
        for (OnLoadError v : values()) {
            if (v.configName.equals(name)) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }
}
