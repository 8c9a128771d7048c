package io.polyhook.core.script.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What {@link ScriptManager#loadAll} did: the scripts that loaded, those that did not and why,
 * and warnings that stopped nothing (a missing scripts directory).
 *
 * @param loaded   the scripts now serving, in load order
 * @param failed   the scripts that did not load, in the order they were tried
 * @param warnings problems that did not stop any script
 */
public record LoadReport(List<ScriptInfo> loaded, List<Failure> failed, List<String> warnings) {

    /** Copies the lists. */
    public LoadReport {
        loaded = List.copyOf(loaded);
        failed = List.copyOf(failed);
        warnings = List.copyOf(warnings);
    }

    /** Whether every script that was tried loaded. */
    public boolean allLoaded() {
        return failed.isEmpty();
    }

    /**
     * A script that did not load.
     *
     * @param path    the file, absolute and normalized
     * @param message why, with file and line: {@code scripts/auth.lua:12: attempt to call a nil value}
     */
    public record Failure(Path path, String message) {

        /** Checks both fields are present. */
        public Failure {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(message, "message");
        }
    }
}
