package io.polyhook.engine.luaj;

import org.luaj.vm2.Lua;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.DebugLib;

import java.util.Arrays;

/**
 * The execution limits of one state: an instruction budget per call, a call-depth limit, a size
 * check on {@code ..}, and a stop when the calling thread is interrupted (the dispatcher does that
 * to a call that missed its deadline). It also keeps the Lua call stack with the current line of
 * each frame, for {@code file:line} in messages.
 *
 * <p>It rides on LuaJ's debug hooks: a LuaJ closure calls {@code onCall}, {@code onInstruction}
 * and {@code onReturn} of its globals' debug library. Installed as that library it replaces
 * {@code debug}, which scripts therefore never see. Not thread-safe: a state serves one call at
 * a time.
 */
final class LuaBudget extends DebugLib {

    // Checking the interrupt flag on every instruction would cost more than the instruction.
    private static final int INTERRUPT_CHECK_MASK = 0xFFF;

    private final boolean enforce;
    private final long instructionLimit;
    private final int maxDepth;
    private final long maxStringSize;

    private Prototype[] protos = new Prototype[32];
    private LuaValue[][] stacks = new LuaValue[32][];
    private int[] pcs = new int[32];
    private int depth;
    private long remaining;

    LuaBudget(LuaSettings settings) {
        this.enforce = settings.limitExecution();
        this.instructionLimit = settings.instructionLimit();
        this.maxDepth = settings.maxCallDepth();
        this.maxStringSize = settings.maxStringSize();
        this.remaining = instructionLimit;
    }

    /** Installs this as the debug library of {@code globals}, without a {@code debug} table. */
    @Override
    public LuaValue call(LuaValue modname, LuaValue env) {
        env.checkglobals().debuglib = this;
        return NONE;
    }

    /** Starts a call or a file load with a full budget and an empty stack. */
    void reset() {
        Arrays.fill(stacks, 0, Math.min(depth + 1, stacks.length), null);
        depth = 0;
        remaining = instructionLimit;
    }

    /** The largest string a script may build, in bytes. */
    long maxStringSize() {
        return maxStringSize;
    }

    /** Whether the limits are enforced. */
    boolean enforced() {
        return enforce;
    }

    @Override
    public void onCall(LuaFunction f) {
        push(null, null);
    }

    @Override
    public void onCall(LuaClosure c, Varargs varargs, LuaValue[] stack) {
        push(c.p, stack);
    }

    @Override
    public void onReturn() {
        if (depth > 0) {
            depth--;
            stacks[depth] = null;
            protos[depth] = null;
        }
    }

    @Override
    public void onInstruction(int pc, Varargs v, int top) {
        int d = depth - 1;
        if (d < 0) {
            return;
        }
        pcs[d] = pc;
        if (!enforce) {
            return;
        }
        if (--remaining < 0) {
            throw violation("instruction limit of " + instructionLimit + " exceeded");
        }
        if ((remaining & INTERRUPT_CHECK_MASK) == 0 && Thread.currentThread().isInterrupted()) {
            throw violation("interrupted (the call missed its deadline)");
        }
        Prototype p = protos[d];
        if (p != null) {
            int i = p.code[pc];
            if (Lua.GET_OPCODE(i) == Lua.OP_CONCAT) {
                checkConcat(stacks[d], Lua.GETARG_B(i), Lua.GETARG_C(i));
            }
        }
    }

    @Override
    public String traceback(int level) {
        return "";
    }

    /** A violation at the current line: {@code file:line: message}. */
    SandboxViolation violation(String message) {
        String where = where(1);
        return new SandboxViolation(where == null ? message : where + ": " + message);
    }

    /** Fails unless a string of {@code size} bytes is allowed. */
    void checkStringSize(double size, String what) {
        if (enforce && size > maxStringSize) {
            throw violation(what + " would build a string of " + (long) size + " bytes, more than the limit of "
                    + maxStringSize);
        }
    }

    /**
     * Where the function {@code level} frames up runs ({@code 1} = the innermost Lua function):
     * {@code file:line}, or null if that frame is not Lua code or does not exist.
     */
    String where(int level) {
        return position(level, true);
    }

    /** {@link #where}, spelled as LuaJ spells it in its own messages (with the chunk name's {@code @}). */
    String luajWhere(int level) {
        return position(level, false);
    }

    private String position(int level, boolean display) {
        int d = depth - level;
        if (d < 0 || d >= depth) {
            return null;
        }
        Prototype p = protos[d];
        if (p == null) {
            return null;
        }
        int pc = pcs[d];
        String line = p.lineinfo != null && pc >= 0 && pc < p.lineinfo.length ? String.valueOf(p.lineinfo[pc]) : "?";
        String source = p.source == null ? "?" : display ? sourceName(p) : p.source.tojstring();
        return source + ":" + line;
    }

    static String sourceName(Prototype p) {
        if (p.source == null) {
            return "?";
        }
        String s = p.source.tojstring();
        return s.startsWith("@") || s.startsWith("=") ? s.substring(1) : s;
    }

    private void push(Prototype p, LuaValue[] stack) {
        if (enforce && depth >= maxDepth) {
            throw violation("stack overflow (more than " + maxDepth + " nested calls)");
        }
        if (depth == protos.length) {
            int n = depth * 2;
            protos = Arrays.copyOf(protos, n);
            stacks = Arrays.copyOf(stacks, n);
            pcs = Arrays.copyOf(pcs, n);
        }
        protos[depth] = p;
        stacks[depth] = stack;
        pcs[depth] = 0;
        depth++;
    }

    private void checkConcat(LuaValue[] stack, int b, int c) {
        if (stack == null) {
            return;
        }
        long total = 0;
        for (int k = b; k <= c && k < stack.length; k++) {
            LuaValue x = stack[k];
            if (x instanceof LuaString s) {
                total += s.length();
            } else if (x != null && x.isnumber()) {
                total += 32;
            }
        }
        checkStringSize(total, "concatenation");
    }
}
