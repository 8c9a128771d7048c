package io.polyhook.engine.luaj;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaValue;

/**
 * An error raised by the script's {@code error(value, level)}, already positioned the way
 * standard Lua positions it. Presetting the traceback keeps LuaJ from prefixing its own
 * {@code file:line} (without the colon) a second time.
 */
final class ScriptError extends LuaError {

    private static final long serialVersionUID = 1L;

    private final String where;

    ScriptError(LuaValue value, String where) {
        super(value);
        this.where = where;
        this.traceback = value.tojstring();
    }

    /** Where {@code error} was called ({@code file:line}), or null if not in Lua code. */
    String where() {
        return where;
    }
}
