package io.polyhook.engine.luaj.lua53;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * Checks of library arguments with Lua 5.3's messages:
 * {@code bad argument #2 to 'len' (number expected, got table)}.
 */
final class Arguments {

    /** What a library function does with its checked arguments. */
    interface Body {
        Varargs apply(Arguments args);
    }

    private final String function;
    private final Varargs args;

    Arguments(String function, Varargs args) {
        this.function = function;
        this.args = args;
    }

    /** A library function named {@code functionName} (in its error messages) that runs {@code body}. */
    static VarArgFunction function(String functionName, Body body) {
        // Not "name": inside the function that would be LuaJ's own field of that name.
        return new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs values) {
                return body.apply(new Arguments(functionName, values));
            }
        };
    }

    LuaString string(int i) {
        LuaValue v = args.arg(i);
        if (v instanceof LuaString s) {
            return s;
        }
        if (v.isnumber()) {
            return v.strvalue();
        }
        throw error(i, "string expected, got " + typeName(v, i));
    }

    long integer(int i) {
        LuaValue v = args.arg(i);
        LuaValue n = v.tonumber();
        if (n.isnil()) {
            throw error(i, "number expected, got " + typeName(v, i));
        }
        if (!Operators.isInteger(n.todouble())) {
            throw error(i, "number has no integer representation");
        }
        return Operators.integer(n);
    }

    long optInteger(int i, long fallback) {
        return args.isnoneornil(i) ? fallback : integer(i);
    }

    LuaValue table(int i) {
        LuaValue v = args.arg(i);
        if (!v.istable()) {
            throw error(i, "table expected, got " + typeName(v, i));
        }
        return v;
    }

    LuaValue any(int i) {
        if (i > args.narg()) {
            throw error(i, "value expected");
        }
        return args.arg(i);
    }

    int count() {
        return args.narg();
    }

    LuaError error(int i, String message) {
        return new LuaError("bad argument #" + i + " to '" + function + "' (" + message + ")");
    }

    private String typeName(LuaValue v, int i) {
        return i > args.narg() ? "no value" : v.typename();
    }
}
