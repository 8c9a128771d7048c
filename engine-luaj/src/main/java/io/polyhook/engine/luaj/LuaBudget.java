package io.polyhook.engine.luaj;

import io.polyhook.engine.luaj.lua53.Work;
import org.luaj.vm2.Lua;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.DebugLib;

import java.time.Duration;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The limits of one state, and what Lua code and library functions report to them: the deadline
 * and interrupt of what the state runs ({@link CallTimer}), the memory it may hold
 * ({@link MemoryCap}), the call depth, the size of one string, and an optional instruction
 * limit. It also keeps the Lua call stack with the current line of each frame, for
 * {@code file:line} in messages and for measuring what the running call holds.
 *
 * <p>Lua code reports through LuaJ's debug hooks: a LuaJ closure calls {@code onCall},
 * {@code onInstruction} and {@code onReturn} of its globals' debug library. Installed as that
 * library, this replaces {@code debug}, which scripts therefore never see. An instruction is a
 * step; instructions that allocate are charged here from their operands. Library functions
 * written in Java report their loops with {@link #tick} and what they build with
 * {@link #allocate} (and {@link #checkStringSize} before a string is built), so that a call
 * spending its time inside one stops at its deadline like a Lua loop does.
 *
 * <p>A violation is a {@link SandboxViolation} reading {@code file:line: what (key)}. Not
 * thread-safe: a state serves one call at a time.
 */
final class LuaBudget extends DebugLib implements Work {

    // Charges of instructions that allocate, in bytes; LiveSize has the sizes they estimate.
    private static final long TABLE_CHARGE = LiveSize.TABLE;
    static final long ENTRY_CHARGE = 64;
    private static final long CLOSURE_CHARGE = 64;
    // Comparing two long strings costs a step per this many bytes.
    private static final int BYTES_PER_STEP = 64;

    private final boolean enforce;
    private final long instructionLimit;
    private final int maxDepth;
    private final long maxStringSize;
    private final CallTimer timer;
    private final MemoryCap memory;

    // The opcodes onInstruction looks at; the others cost one lookup in this table.
    private static final boolean[] LOOKED_AT = new boolean[64];

    static {
        for (int op : new int[] {Lua.OP_CONCAT, Lua.OP_NEWTABLE, Lua.OP_SETTABLE, Lua.OP_SETTABUP, Lua.OP_SETLIST,
                Lua.OP_CLOSURE, Lua.OP_EQ, Lua.OP_LT, Lua.OP_LE}) {
            LOOKED_AT[op] = true;
        }
    }

    private LuaClosure[] closures = new LuaClosure[32];
    // The prototypes of closures[], for the instruction hook (one load less per instruction).
    private Prototype[] protos = new Prototype[32];
    private LuaValue[][] stacks = new LuaValue[32][];
    private Varargs[] varargs = new Varargs[32];
    private int[] pcs = new int[32];
    private int depth;
    // The last frame that returned to Java: where a function called by a tail call runs from.
    private LuaClosure returned;
    private int returnedPc;
    private int countdown = CallTimer.MAX_INTERVAL;
    private long instructionsLeft;

    /**
     * @param callLimit how long a hook call may run: the hook deadline, enforced here as well as by
     *                  the dispatcher's interrupt, for calls made without one or that lost it
     */
    LuaBudget(LuaSettings settings, Duration callLimit) {
        this.enforce = settings.limitExecution();
        this.instructionLimit = enforce ? settings.instructionLimit() : 0;
        this.maxDepth = settings.maxCallDepth();
        this.maxStringSize = settings.maxStringSize();
        this.timer = new CallTimer(settings.loadTimeout(), callLimit, enforce);
        this.memory = new MemoryCap(enforce ? settings.maxMemory() : Long.MAX_VALUE);
    }

    /** Installs this as the debug library of {@code globals}, without a {@code debug} table. */
    @Override
    public LuaValue call(LuaValue modname, LuaValue env) {
        env.checkglobals().debuglib = this;
        return NONE;
    }

    /** Sets how the state's live data is measured, when the memory charged calls for it. */
    void measureWith(LongSupplier liveBytes) {
        memory.measureWith(liveBytes);
    }

    /** Starts running the file's top-level code (or a hook call): full budget, empty stack. */
    void begin(CallTimer.Phase phase) {
        // Frames left by a run that ended with an error LuaJ did not unwind through onReturn.
        if (depth > 0) {
            Arrays.fill(closures, 0, depth, null);
            Arrays.fill(protos, 0, depth, null);
            Arrays.fill(stacks, 0, depth, null);
            Arrays.fill(varargs, 0, depth, null);
        }
        depth = 0;
        returned = null;
        instructionsLeft = instructionLimit;
        timer.start(phase);
        countdown = timer.interval();
    }

    /** Ends what {@link #begin} started; the stack is let go at the next begin. */
    void end() {
        timer.stop();
    }

    /** The largest string a script may build, in bytes. */
    long maxStringSize() {
        return maxStringSize;
    }

    /** The most memory the state may hold, in bytes ({@code max_memory}). */
    long memoryCap() {
        return memory.cap();
    }

    /** Whether the limits are enforced. */
    boolean enforced() {
        return enforce;
    }

    /**
     * Counts {@code steps} of work of a library loop (a pattern step, an element visited), each
     * about as much as an instruction; stops the run at its deadline.
     */
    @Override
    public void tick(long steps) {
        countdown -= (int) Math.min(steps, Integer.MAX_VALUE);
        if (countdown <= 0) {
            checkpoint();
        }
    }

    /**
     * Before something that may block (a provider call): checks the deadline now, and gives back
     * the {@link CarrierQuota} permit a long run holds, so that it does not keep one while it
     * waits; it queues for one again at its next check.
     */
    void beforeBlocking() {
        checkpoint();
        timer.releasePermit();
    }

    /**
     * Charges about {@code bytes} that are about to be allocated, and the steps of copying them;
     * stops the run if its state would hold more than {@code max_memory}.
     */
    @Override
    public void allocate(long bytes) {
        if (!enforce) {
            return;
        }
        String stop = memory.charge(bytes);
        if (stop != null) {
            throw violation(stop);
        }
        tick(bytes / BYTES_PER_STEP);
    }

    /** Fails unless a string of {@code size} bytes is allowed. */
    void checkStringSize(double size, String what) {
        if (enforce && size > maxStringSize) {
            throw violation(what + " would build a string of " + (long) size + " bytes, more than the limit of "
                    + maxStringSize + " (" + LuaSettings.KEY_PREFIX + "max_string_size)");
        }
    }

    /** Checks the size of a string about to be built and charges it. */
    void allocateString(double size, String what) {
        checkStringSize(size, what);
        allocate((long) size + LiveSize.STRING + LiveSize.ARRAY);
    }

    @Override
    public void onCall(LuaFunction f) {
        push(null, null, null);
    }

    @Override
    public void onCall(LuaClosure c, Varargs args, LuaValue[] stack) {
        push(c, args, stack);
    }

    @Override
    public void onReturn() {
        if (depth > 0) {
            depth--;
            if (depth == 0) {
                returned = closures[0];
                returnedPc = pcs[0];
            }
            closures[depth] = null;
            protos[depth] = null;
            stacks[depth] = null;
            varargs[depth] = null;
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
        if (--countdown <= 0) {
            checkpoint();
        }
        if (instructionLimit > 0 && --instructionsLeft < 0) {
            throw violation("instruction limit of " + instructionLimit + " exceeded (" + LuaSettings.KEY_PREFIX
                    + "instruction_limit)");
        }
        Prototype p = protos[d];
        if (p == null) {
            return;
        }
        int i = p.code[pc];
        int op = Lua.GET_OPCODE(i);
        if (LOOKED_AT[op]) {
            charge(op, i, p, stacks[d], v, top);
        }
    }

    // The instructions that allocate, and the comparisons that may cost a step per 64 bytes.
    private void charge(int op, int i, Prototype p, LuaValue[] stack, Varargs v, int top) {
        switch (op) {
            case Lua.OP_CONCAT -> concat(stack, Lua.GETARG_B(i), Lua.GETARG_C(i));
            case Lua.OP_NEWTABLE -> allocate(TABLE_CHARGE + (long) (Lua.GETARG_B(i) + Lua.GETARG_C(i)) * LiveSize.REFERENCE);
            case Lua.OP_SETTABLE, Lua.OP_SETTABUP -> allocate(ENTRY_CHARGE);
            case Lua.OP_SETLIST -> {
                int b = Lua.GETARG_B(i);
                allocate((b != 0 ? b : Math.max(0, top - Lua.GETARG_A(i)) + (v == null ? 0 : v.narg())) * ENTRY_CHARGE / 4);
            }
            case Lua.OP_CLOSURE -> allocate(CLOSURE_CHARGE);
            default -> compare(p, stack, Lua.GETARG_B(i), Lua.GETARG_C(i));
        }
    }

    @Override
    public String traceback(int level) {
        return "";
    }

    /** The Lua frames of the running code, innermost first, as {@code file:line} lines. */
    String stackTrace() {
        StringBuilder sb = new StringBuilder("stack traceback:");
        for (int level = 1; level <= depth; level++) {
            String where = where(level);
            if (where != null) {
                sb.append("\n\t").append(where);
            }
        }
        return sb.toString();
    }

    /** Gives every value the frames of the running code hold (functions, registers, arguments). */
    void forEachFrameValue(Consumer<LuaValue> values, Consumer<Varargs> args) {
        for (int d = 0; d < depth; d++) {
            values.accept(closures[d]);
            if (stacks[d] != null) {
                for (LuaValue v : stacks[d]) {
                    values.accept(v);
                }
            }
            if (varargs[d] != null) {
                args.accept(varargs[d]);
            }
        }
    }

    /** A violation at the current line of the innermost Lua function: {@code file:line: message}. */
    SandboxViolation violation(String message) {
        // Library functions called through pcall run in a frame of their own, which has no line.
        String where = null;
        for (int level = 1; where == null && level <= Math.max(depth, 1); level++) {
            where = where(level);
        }
        return new SandboxViolation(where == null ? message : where + ": " + message);
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
        LuaClosure c;
        int pc;
        if (depth == 0 && level == 1 && returned != null) {
            // A function the hook called by a tail call ("return s:match(...)") runs after its caller returned.
            c = returned;
            pc = returnedPc;
        } else if (d < 0 || d >= depth || closures[d] == null) {
            return null;
        } else {
            c = closures[d];
            pc = pcs[d];
        }
        Prototype p = c.p;
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

    private void checkpoint() {
        String stop = timer.check();
        countdown = timer.interval();
        if (stop != null) {
            throw violation(stop);
        }
    }

    private void push(LuaClosure c, Varargs args, LuaValue[] stack) {
        if (enforce && depth >= maxDepth) {
            throw violation("stack overflow (more than " + maxDepth + " nested calls; " + LuaSettings.KEY_PREFIX
                    + "max_call_depth)");
        }
        if (depth == closures.length) {
            int n = depth * 2;
            closures = Arrays.copyOf(closures, n);
            protos = Arrays.copyOf(protos, n);
            stacks = Arrays.copyOf(stacks, n);
            varargs = Arrays.copyOf(varargs, n);
            pcs = Arrays.copyOf(pcs, n);
        }
        closures[depth] = c;
        protos[depth] = c == null ? null : c.p;
        stacks[depth] = stack;
        varargs[depth] = args;
        pcs[depth] = 0;
        depth++;
    }

    private void concat(LuaValue[] stack, int b, int c) {
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
        allocateString(total, "concatenation");
    }

    // Two strings of the same length are compared byte by byte: a step per BYTES_PER_STEP bytes.
    private void compare(Prototype p, LuaValue[] stack, int b, int c) {
        LuaValue x = Lua.ISK(b) ? p.k[Lua.INDEXK(b)] : stack == null || b >= stack.length ? null : stack[b];
        LuaValue y = Lua.ISK(c) ? p.k[Lua.INDEXK(c)] : stack == null || c >= stack.length ? null : stack[c];
        if (x instanceof LuaString s && y instanceof LuaString t && s.m_length > BYTES_PER_STEP) {
            tick(Math.min(s.m_length, t.m_length) / BYTES_PER_STEP);
        }
    }
}
