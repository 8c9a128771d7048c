package io.polyhook.engine.luaj.syntax;

import java.util.ArrayList;
import java.util.List;

/**
 * The functions and blocks the parser is in, for the checks Lua 5.3 makes of them: {@code ...}
 * only in a vararg function, {@code break} only in a loop, a label once per block, and a
 * {@code goto} only to a label visible from it (in its block or an enclosing one of the same
 * function, before or after it).
 */
final class Scopes {

    private record Label(String name, int line) {
    }

    private record Goto(String name, int line, int column) {
    }

    /** A block: its labels, and the gotos in it (or in blocks it closed) still looking for theirs. */
    private static final class Block {
        final Block parent;
        final boolean loop;
        final List<Label> labels = new ArrayList<>();
        final List<Goto> pending = new ArrayList<>();

        Block(Block parent, boolean loop) {
            this.parent = parent;
            this.loop = loop;
        }
    }

    /** A function: whether it takes {@code ...}, its line (0 for the main chunk), its innermost block. */
    private static final class Function {
        final Function enclosing;
        final boolean vararg;
        final int line;
        Block block = new Block(null, false);

        Function(Function enclosing, boolean vararg, int line) {
            this.enclosing = enclosing;
            this.vararg = vararg;
            this.line = line;
        }
    }

    private final Lexer lexer;
    private Function function;

    Scopes(Lexer lexer) {
        this.lexer = lexer;
    }

    /** Enters a function (its body is a block). */
    void openFunction(boolean vararg, int line) {
        function = new Function(function, vararg, line);
    }

    /** Leaves the function; fails for a {@code goto} whose label it never saw. */
    void closeFunction() throws LuaSyntaxException {
        List<Goto> pending = function.block.pending;
        if (!pending.isEmpty()) {
            Goto g = pending.getFirst();
            throw lexer.error(g.line(), g.column(), "no visible label '" + g.name() + "' for <goto> at line " + g.line(), null);
        }
        function = function.enclosing;
    }

    /** Enters a block, a loop's body or not. */
    void openBlock(boolean loop) {
        function.block = new Block(function.block, loop);
    }

    /** Leaves the block; its unresolved gotos may still find a label later in the enclosing one. */
    void closeBlock() {
        Block closed = function.block;
        function.block = closed.parent;
        closed.parent.pending.addAll(closed.pending);
    }

    /** Whether the function takes {@code ...}. */
    boolean vararg() {
        return function.vararg;
    }

    /** How Lua 5.3 names the function in a message about limits. */
    String functionName() {
        return function.line == 0 ? "main function" : "function at line " + function.line;
    }

    /** A {@code break} at {@code t}: fails outside a loop. */
    void breakAt(Token t) throws LuaSyntaxException {
        for (Block b = function.block; b != null; b = b.parent) {
            if (b.loop) {
                return;
            }
        }
        throw lexer.error(t.line(), t.column(), "<break> at line " + t.line() + " not inside a loop", null);
    }

    /** A {@code goto name} at {@code t}: resolved now if the label is behind it, else when it comes. */
    void gotoAt(Token t, String name) {
        for (Block b = function.block; b != null; b = b.parent) {
            for (Label l : b.labels) {
                if (l.name().equals(name)) {
                    return;
                }
            }
        }
        function.block.pending.add(new Goto(name, t.line(), t.column()));
    }

    /** A label {@code ::name::} at {@code t}: fails if the block has one already; resolves the gotos waiting for it. */
    void labelAt(Token t, String name) throws LuaSyntaxException {
        Block block = function.block;
        for (Label l : block.labels) {
            if (l.name().equals(name)) {
                throw lexer.error(t.line(), t.column(), "label '" + name + "' already defined on line " + l.line(), null);
            }
        }
        block.labels.add(new Label(name, t.line()));
        block.pending.removeIf(g -> g.name().equals(name));
    }
}
