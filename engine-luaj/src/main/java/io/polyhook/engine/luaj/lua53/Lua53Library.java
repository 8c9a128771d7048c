package io.polyhook.engine.luaj.lua53;

import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaNumber;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * What Lua 5.3's standard library has and LuaJ's (5.2) does not: {@code math.type},
 * {@code math.tointeger}, {@code math.ult}, {@code math.maxinteger}, {@code math.mininteger},
 * 5.3's integer {@code math.fmod}, {@code table.move} and the {@code utf8} library
 * ({@link Utf8Library}).
 *
 * <p>{@code math.maxinteger} and {@code math.mininteger} are the doubles nearest to 2^63 - 1 and
 * -2^63 (LuaJ has no 64-bit integers): they print as 5.3 prints them and compare as 5.3's do
 * with every number up to 2^53, and integer operations treat them as the ends of the 64-bit
 * range.
 */
public final class Lua53Library {

    // What one table entry set by table.move costs the state, as the engine's budget estimates it.
    private static final long ENTRY_BYTES = 64;

    private Lua53Library() {
    }

    /**
     * {@link #install(Globals, Work)} with loops that only stop when the thread is interrupted
     * (for a state without a budget).
     */
    public static void install(Globals g) {
        install(g, new Work() {
            @Override
            public void tick(long steps) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new LuaError("interrupted (the call missed its deadline)");
                }
            }

            @Override
            public void allocate(long bytes) {
            }
        });
    }

    /**
     * Adds the functions to the {@code math} and {@code table} tables of {@code g} and installs
     * {@code utf8}; {@code table.move} reports its loop to {@code work}.
     */
    public static void install(Globals g, Work work) {
        LuaTable math = (LuaTable) g.get("math");
        math.rawset("type", Arguments.function("type", Lua53Library::type));
        math.rawset("tointeger", Arguments.function("tointeger", Lua53Library::toInteger));
        math.rawset("ult", Arguments.function("ult", a -> LuaValue.valueOf(Long.compareUnsigned(a.integer(1), a.integer(2)) < 0)));
        math.rawset("fmod", Arguments.function("fmod", Lua53Library::fmod));
        math.rawset("maxinteger", LuaValue.valueOf((double) Long.MAX_VALUE));
        math.rawset("mininteger", LuaValue.valueOf((double) Long.MIN_VALUE));
        ((LuaTable) g.get("table")).rawset("move", Arguments.function("move", args -> move(args, work)));
        LuaTable utf8 = Utf8Library.table();
        g.rawset("utf8", utf8);
        LuaValue loaded = g.get("package").get("loaded");
        if (loaded.istable()) {
            loaded.rawset("utf8", utf8);
        }
    }

    private static final LuaString INTEGER = LuaString.valueOf("integer");
    private static final LuaString FLOAT = LuaString.valueOf("float");

    private static Varargs type(Arguments args) {
        LuaValue v = args.any(1);
        if (!(v instanceof LuaNumber)) {
            return LuaValue.NIL;
        }
        return Operators.isInteger(v.todouble()) ? INTEGER : FLOAT;
    }

    private static Varargs toInteger(Arguments args) {
        LuaValue n = args.any(1).tonumber();
        if (n.isnil() || !Operators.isInteger(n.todouble())) {
            return LuaValue.NIL;
        }
        return Operators.of(Operators.integer(n));
    }

    private static Varargs fmod(Arguments args) {
        LuaValue a = args.any(1);
        LuaValue b = args.any(2);
        if (a instanceof LuaNumber && b instanceof LuaNumber
                && Operators.isInteger(a.todouble()) && Operators.isInteger(b.todouble())) {
            long d = Operators.integer(b);
            if (d == 0) {
                throw args.error(2, "zero");
            }
            return d == -1 ? LuaValue.valueOf(0) : Operators.of(Operators.integer(a) % d);
        }
        double x = number(args, 1);
        double y = number(args, 2);
        return LuaValue.valueOf(x % y);
    }

    private static double number(Arguments args, int i) {
        LuaValue n = args.any(i).tonumber();
        if (n.isnil()) {
            throw args.error(i, "number expected, got " + args.any(i).typename());
        }
        return n.todouble();
    }

    /** table.move(a1, f, e, t [, a2]): a2[t], ... = a1[f], ..., a1[e], metamethods included; returns a2. */
    private static Varargs move(Arguments args, Work work) {
        long f = args.integer(2);
        long e = args.integer(3);
        long t = args.integer(4);
        boolean other = args.count() >= 5 && !args.any(5).isnil();
        LuaValue source = table(args, 1, LuaValue.INDEX);
        LuaValue target = other ? table(args, 5, LuaValue.NEWINDEX) : source;
        if (e >= f) {
            if (!(f > 0 || e < Long.MAX_VALUE + f)) {
                throw args.error(3, "too many elements to move");
            }
            long n = e - f + 1;
            if (t > Long.MAX_VALUE - n + 1) {
                throw args.error(4, "destination wrap around");
            }
            boolean forward = t > e || t <= f || (other && !source.eq_b(target));
            for (long i = 0; i < n; i++) {
                // A range of 2^40 nils costs no instruction: the budget counts the loop instead.
                long k = forward ? i : n - 1 - i;
                LuaValue v = source.get(Operators.of(f + k));
                if (v.isnil()) {
                    work.tick(1);
                } else {
                    work.allocate(ENTRY_BYTES);
                }
                target.set(Operators.of(t + k), v);
            }
        }
        return target;
    }

    /** Argument {@code i}, a table or something whose metatable has {@code event}. */
    private static LuaValue table(Arguments args, int i, LuaValue event) {
        LuaValue v = args.any(i);
        if (v.istable() || !v.metatag(event).isnil()) {
            return v;
        }
        throw args.error(i, "table expected, got " + v.typename());
    }
}
