package io.polyhook.engine.luaj.lua53;

import io.polyhook.engine.luaj.syntax.Lua53Translator;
import io.polyhook.engine.luaj.syntax.LuaSyntaxException;
import io.polyhook.engine.luaj.syntax.Translation;
import org.luaj.vm2.Globals;
import org.luaj.vm2.Lua;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.compiler.LuaC;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Compiles Lua 5.3 source for LuaJ: {@link Lua53Translator} checks it and spells it in Lua 5.2,
 * LuaJ's own compiler compiles that, and each read of an operator's function name in the
 * result (a global read, {@code GETTABUP}/{@code GETTABLE}) becomes a {@code LOADK} of the
 * {@link Operators operator function} itself. So a 5.3 operator costs a constant load and a
 * call of a Java function, with no global a script could see or change; source without 5.3
 * operators compiles to exactly what LuaJ alone makes of it.
 *
 * <p>Installed as a state's {@link Globals#compiler}, it serves the file, {@code load},
 * {@code loadfile}, {@code dofile} and {@code require} alike. A prototype holding operator
 * functions as constants cannot be dumped with {@code string.dump} (LuaJ dumps only numbers and
 * strings), and would need work for LuaJ's {@code luajc}, which compiles constants of those
 * kinds only.
 */
public final class Lua53Compiler implements Globals.Compiler {

    /** The compiler; it keeps no state. */
    public static final Lua53Compiler INSTANCE = new Lua53Compiler();

    private Lua53Compiler() {
    }

    @Override
    public Prototype compile(InputStream stream, String chunkName) throws IOException {
        Translation translation;
        try {
            translation = Lua53Translator.translate(stream.readAllBytes(), chunkName);
        } catch (LuaSyntaxException e) {
            throw new Lua53SyntaxError(e);
        }
        Prototype p = LuaC.instance.compile(new ByteArrayInputStream(translation.source()), chunkName);
        if (!translation.functions().isEmpty()) {
            Map<LuaValue, LuaValue> byName = new HashMap<>();
            translation.functions().forEach((op, name) -> byName.put(LuaString.valueOf(name), Operators.function(op)));
            int bound = bind(p, byName);
            if (bound != translation.calls()) {
                // Not a user's error: LuaJ compiled an operator call in a way this class does not know.
                throw new LuaError(Lua53Translator.display(chunkName) + ": cannot compile the Lua 5.3 operators "
                        + translation.functions().keySet() + " (" + bound + " of " + translation.calls() + " bound)");
            }
        }
        return p;
    }

    /** Replaces every read of a name in {@code byName} by a load of its value; returns how many. */
    private static int bind(Prototype p, Map<LuaValue, LuaValue> byName) {
        int bound = 0;
        int[] code = p.code;
        for (int pc = 0; pc < code.length; pc++) {
            int i = code[pc];
            int op = Lua.GET_OPCODE(i);
            if (op != Lua.OP_GETTABUP && op != Lua.OP_GETTABLE) {
                continue;
            }
            LuaValue function = byName.get(key(p, pc, Lua.GETARG_C(i)));
            if (function != null) {
                code[pc] = (constant(p, function) << Lua.POS_Bx) | (Lua.GETARG_A(i) << Lua.POS_A) | Lua.OP_LOADK;
                bound++;
            }
        }
        for (Prototype inner : p.p) {
            bound += bind(inner, byName);
        }
        return bound;
    }

    /**
     * The key operand {@code c} of the instruction at {@code pc}: a constant, or the register a
     * {@code LOADK}/{@code LOADKX} just before it loaded (LuaJ's compiler puts the key of a
     * global in a register when the function has more than 256 constants).
     */
    private static LuaValue key(Prototype p, int pc, int c) {
        if (Lua.ISK(c)) {
            return p.k[Lua.INDEXK(c)];
        }
        int[] code = p.code;
        if (pc >= 1 && Lua.GET_OPCODE(code[pc - 1]) == Lua.OP_LOADK && Lua.GETARG_A(code[pc - 1]) == c) {
            return p.k[Lua.GETARG_Bx(code[pc - 1])];
        }
        if (pc >= 2 && Lua.GET_OPCODE(code[pc - 2]) == Lua.OP_LOADKX && Lua.GETARG_A(code[pc - 2]) == c
                && Lua.GET_OPCODE(code[pc - 1]) == Lua.OP_EXTRAARG) {
            return p.k[Lua.GETARG_Ax(code[pc - 1])];
        }
        return null;
    }

    /** The index of {@code value} among {@code p}'s constants, added if it is not there. */
    private static int constant(Prototype p, LuaValue value) {
        for (int i = 0; i < p.k.length; i++) {
            if (p.k[i] == value) {
                return i;
            }
        }
        if (p.k.length > Lua.MAXARG_Bx) {
            throw new LuaError("function or expression needs too many constants");
        }
        p.k = Arrays.copyOf(p.k, p.k.length + 1);
        p.k[p.k.length - 1] = value;
        return p.k.length - 1;
    }
}
