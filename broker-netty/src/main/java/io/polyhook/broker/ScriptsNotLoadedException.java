package io.polyhook.broker;

import io.polyhook.core.script.internal.LoadReport;

import java.util.List;

/**
 * Scripts that were to be loaded at start are missing or failed to load, and
 * {@code scripts.on_load_error} is {@code fail} (the default): the broker did not start. The
 * message names the first file with its line and error.
 */
public final class ScriptsNotLoadedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient List<LoadReport.Failure> failures;

    /** The start failed for these scripts (at least one). */
    public ScriptsNotLoadedException(List<LoadReport.Failure> failures) {
        super(message(failures));
        this.failures = List.copyOf(failures);
    }

    /** The scripts that did not load, in load order. */
    public List<LoadReport.Failure> failures() {
        return failures;
    }

    private static String message(List<LoadReport.Failure> failures) {
        if (failures.isEmpty()) {
            throw new IllegalArgumentException("no failure");
        }
        String more = failures.size() == 1 ? "" : " (and " + (failures.size() - 1) + " more script(s))";
        return "script not loaded: " + failures.getFirst().message() + more
                + "; set scripts.on_load_error: warn to start without it";
    }
}
