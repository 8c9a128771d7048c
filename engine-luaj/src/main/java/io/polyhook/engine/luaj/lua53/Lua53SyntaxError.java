package io.polyhook.engine.luaj.lua53;

import io.polyhook.engine.luaj.syntax.LuaSyntaxException;
import org.luaj.vm2.LuaError;

import java.io.Serial;

/**
 * A syntax error as LuaJ's callers expect compile errors (a {@link LuaError}), keeping the
 * position: {@code chunk:line:column: reason}.
 */
public final class Lua53SyntaxError extends LuaError {

    @Serial
    private static final long serialVersionUID = 1L;

    private final transient LuaSyntaxException syntax;

    Lua53SyntaxError(LuaSyntaxException syntax) {
        super(syntax.getMessage(), 0);
        this.syntax = syntax;
    }

    /** The chunk's name as messages show it. */
    public String chunk() {
        return syntax.chunk();
    }

    /** The 1-based line of the user's source. */
    public int line() {
        return syntax.line();
    }

    /** The 1-based column of the user's source, in characters. */
    public int column() {
        return syntax.column();
    }

    /** The message without the position, as Lua 5.3 words it. */
    public String reason() {
        return syntax.reason();
    }
}
