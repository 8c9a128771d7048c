package io.polyhook.core.script;

import java.nio.file.Path;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A script could not be loaded or reloaded. The message reads like a compiler's:
 * {@code scripts/auth.lua:12: attempt to call a nil value}, with the column for a syntax error
 * ({@code scripts/auth.lua:12:7: unexpected symbol near '/'}), or without the line when it is
 * not known ({@code scripts/auth.lua: no such file}).
 *
 * <p>Checked, because every caller (start-up, the CLI, the admin API) must report it and go on:
 * a broken script never stops the broker.
 */
public final class ScriptLoadException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient Path path;
    private final int line;
    private final int column;
    private final String reason;

    /** A failure at a known line (1-based) of {@code path}. */
    public ScriptLoadException(Path path, int line, String reason) {
        this(path, line, reason, null);
    }

    /** A failure at a known line (1-based) of {@code path}, caused by {@code cause}. */
    public ScriptLoadException(Path path, int line, String reason, Throwable cause) {
        this(path, line, 0, reason, cause);
    }

    /**
     * A failure at a known line and column (both 1-based, the column in characters) of
     * {@code path}, caused by {@code cause}: {@code scripts/auth.lua:12:7: reason}, as a syntax
     * error is reported.
     */
    public ScriptLoadException(Path path, int line, int column, String reason, Throwable cause) {
        super(ScriptSource.display(Objects.requireNonNull(path, "path")) + (line > 0 ? ":" + line : "")
                + (line > 0 && column > 0 ? ":" + column : "") + ": " + Objects.requireNonNull(reason, "reason"), cause);
        this.path = path.toAbsolutePath().normalize();
        this.line = Math.max(line, 0);
        this.column = line > 0 ? Math.max(column, 0) : 0;
        this.reason = reason;
    }

    /** A failure of the whole file (no line). */
    public ScriptLoadException(Path path, String reason) {
        this(path, 0, reason, null);
    }

    /** A failure of the whole file (no line), caused by {@code cause}. */
    public ScriptLoadException(Path path, String reason, Throwable cause) {
        this(path, 0, reason, cause);
    }

    /** The script, absolute and normalized. */
    public Path path() {
        return path;
    }

    /** The 1-based line the engine blamed, if it knows one. */
    public OptionalInt line() {
        return line > 0 ? OptionalInt.of(line) : OptionalInt.empty();
    }

    /** The 1-based column the engine blamed, if it knows one (syntax errors). */
    public OptionalInt column() {
        return column > 0 ? OptionalInt.of(column) : OptionalInt.empty();
    }

    /** The message without the file and line. */
    public String reason() {
        return reason;
    }
}
