package io.polyhook.engine.luaj.syntax;

import java.util.Map;

/**
 * A chunk spelled for LuaJ's compiler.
 *
 * @param source    the text to compile; the original bytes themselves when nothing had to change
 * @param functions the global name the text calls for each 5.3 operator it uses; the compiler
 *                  binds each to the operator's function (empty if it uses none)
 * @param calls     how many times the text calls them
 */
public record Translation(byte[] source, Map<Operator, String> functions, int calls) {

    /** Copies the map. */
    public Translation {
        functions = Map.copyOf(functions);
    }
}
