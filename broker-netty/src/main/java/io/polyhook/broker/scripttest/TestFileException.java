package io.polyhook.broker.scripttest;

import io.polyhook.core.script.ScriptSource;

import java.nio.file.Path;

/**
 * A test file cannot be used: it is not valid YAML, has a key it should not have, names a hook
 * or a script that does not exist. The message reads like a compiler's:
 * {@code scripts/auth.test.yaml:12: expect must be ok, deny, next or error, was "yes"}.
 */
public final class TestFileException extends Exception {

    private static final long serialVersionUID = 1L;

    /** A problem at {@code line} (1-based; 0 if not known) of {@code file}. */
    public TestFileException(Path file, int line, String message) {
        super(ScriptSource.display(file) + (line > 0 ? ":" + line : "") + ": " + message);
    }
}
