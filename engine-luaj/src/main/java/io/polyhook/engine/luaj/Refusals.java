package io.polyhook.engine.luaj;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.TwoArgFunction;

/**
 * What a script meets where the sandbox takes something away: an error that says what is not
 * available and which config key allows it, instead of "attempt to call a nil value".
 */
final class Refusals {

    private Refusals() {
    }

    /**
     * The message of a refusal: {@code os.execute is not available in the sandbox
     * (scripts.lua.sandbox.restrict_os: false allows it)}.
     */
    static String message(String what, String key) {
        return what + " is not available in the sandbox (" + LuaSettings.KEY_PREFIX + key + ": false allows it)";
    }

    /**
     * Makes {@code library} (named {@code libraryName}) refuse every field it does not have: reading
     * one raises {@link #message} for {@code key}. Its metatable is hidden and cannot be replaced.
     */
    static LuaTable library(String libraryName, LuaTable library, String key) {
        LuaTable meta = new LuaTable();
        meta.rawset(LuaValue.INDEX, new TwoArgFunction() {
            @Override
            public LuaValue call(LuaValue table, LuaValue field) {
                // Not "name": inside a LuaJ function that is the function's own (empty) name.
                throw new LuaError(message(libraryName + "." + field.tojstring(), key));
            }
        });
        meta.rawset(LuaValue.METATABLE, LuaValue.FALSE);
        library.setmetatable(meta);
        return library;
    }
}
