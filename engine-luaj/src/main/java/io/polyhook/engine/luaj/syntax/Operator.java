package io.polyhook.engine.luaj.syntax;

/**
 * The Lua 5.3 operators that LuaJ's compiler does not have, or whose 5.3 meaning it does not
 * give: the translation turns each use into a call of a function that gives it.
 */
public enum Operator {
    /** {@code a // b}: floor division; an integer one when both are integers. */
    IDIV,
    /** {@code a % b}: modulo; an integer one, refusing 0, when both are integers. */
    MOD,
    /** {@code a & b}. */
    BAND,
    /** {@code a | b}. */
    BOR,
    /** {@code a ~ b}. */
    BXOR,
    /** {@code a << b}. */
    SHL,
    /** {@code a >> b} (logical). */
    SHR,
    /** {@code ~a}. */
    BNOT
}
