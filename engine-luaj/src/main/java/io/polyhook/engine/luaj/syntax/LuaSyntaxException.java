package io.polyhook.engine.luaj.syntax;

import java.io.Serial;

/**
 * Source text that is not Lua 5.3. The message reads {@code chunk:line:column: reason}, the
 * reason as Lua 5.3 words it ({@code unexpected symbol near '/'}); the line and column (both
 * 1-based, the column in characters) are those of the user's source.
 */
public final class LuaSyntaxException extends Exception {

    @Serial
    private static final long serialVersionUID = 1L;

    private final String chunk;
    private final int line;
    private final int column;
    private final String reason;

    LuaSyntaxException(String chunk, int line, int column, String reason) {
        super(chunk + ":" + line + ":" + column + ": " + reason, null, false, false);
        this.chunk = chunk;
        this.line = line;
        this.column = column;
        this.reason = reason;
    }

    /** The chunk as Lua names it in messages: the file name, or {@code [string "..."]}. */
    public String chunk() {
        return chunk;
    }

    /** The 1-based line. */
    public int line() {
        return line;
    }

    /** The 1-based column, in characters. */
    public int column() {
        return column;
    }

    /** The message without the position. */
    public String reason() {
        return reason;
    }
}
