package io.polyhook.engine.luaj.syntax;

/**
 * A string literal.
 *
 * @param luajText the literal as LuaJ's compiler must be given it, or null to give it as written:
 *                 a literal with a {@code \\u{XXX}} escape, which LuaJ does not know, is spelled
 *                 again with decimal escapes, on as many lines as the original took
 */
record StringLiteral(String luajText) {

    static final StringLiteral AS_WRITTEN = new StringLiteral(null);
}
