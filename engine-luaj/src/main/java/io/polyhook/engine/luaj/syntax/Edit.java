package io.polyhook.engine.luaj.syntax;

/**
 * A change the translation makes to a span {@code [start, end)} of the source. Edits nest (an
 * operand may hold another), never overlap otherwise.
 */
sealed interface Edit permits Edit.Call, Edit.Replace {

    int start();

    int end();

    /**
     * An operator use becomes a call: {@code a // b} (operator at {@code [opStart, opEnd)})
     * becomes {@code (f(a, b))}, {@code ~a} becomes {@code (f(a))}. White space and comments
     * around the operator stay where they were, so every token keeps its line.
     */
    record Call(int start, int end, int opStart, int opEnd, Operator operator, boolean unary) implements Edit {
    }

    /** A literal spelled differently for LuaJ, on the same lines. */
    record Replace(int start, int end, String text) implements Edit {
    }
}
