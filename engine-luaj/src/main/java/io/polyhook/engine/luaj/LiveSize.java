package io.polyhook.engine.luaj;

import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaInteger;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaUserdata;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.UpValue;
import org.luaj.vm2.Varargs;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.function.Consumer;

/**
 * Measures what a state holds: the estimated heap size of every Lua value its roots reach
 * (globals, the frames of the running call), each counted once. The sizes are those of LuaJ's
 * objects on a 64-bit JVM with compressed references, rounded up. The walk counts one step of
 * the budget per value, so the run's deadline holds while it measures.
 */
final class LiveSize {

    /** A Java function that keeps Lua values (an iterator over a string): they count as held by the state. */
    interface Holder {
        void forEachHeld(Consumer<LuaValue> action);
    }

    static final long TABLE = 64;
    static final long REFERENCE = 8;
    static final long HASH_ENTRY = 40;
    static final long STRING = 32;
    static final long ARRAY = 16;
    static final long NUMBER = 16;
    static final long FUNCTION = 32;
    static final long UPVALUE = 24;
    static final long PROTOTYPE = 128;

    // The capacities of a table's parts, which its entries do not tell (a table emptied
    // after growing keeps them). Read reflectively: LuaJ keeps them protected.
    private static final VarHandle TABLE_ARRAY;
    private static final VarHandle TABLE_HASH;

    static {
        VarHandle array = null;
        VarHandle hash = null;
        try {
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(LuaTable.class, MethodHandles.lookup());
            array = lookup.findVarHandle(LuaTable.class, "array", LuaValue[].class);
            hash = lookup.findVarHandle(LuaTable.class, "hash", LuaTable.class.getDeclaredField("hash").getType());
        } catch (ReflectiveOperationException | RuntimeException e) {
            // A LuaJ without these fields: tables are sized by their entries alone.
            array = null;
            hash = null;
        }
        TABLE_ARRAY = array;
        TABLE_HASH = hash;
    }

    private final LuaBudget budget;
    private final IdentityHashMap<Object, Boolean> seen = new IdentityHashMap<>();
    private final ArrayDeque<Object> pending = new ArrayDeque<>();
    private long total;

    private LiveSize(LuaBudget budget) {
        this.budget = budget;
    }

    /**
     * The estimated size in bytes of what {@code roots} and the frames of {@code budget} reach
     * (the call's arguments too: what a script stores in them is its own).
     */
    static long of(LuaBudget budget, LuaValue[] roots) {
        LiveSize walk = new LiveSize(budget);
        for (LuaValue root : roots) {
            walk.add(root);
        }
        budget.forEachFrameValue(walk::add, walk::addVarargs);
        walk.drain();
        return walk.total;
    }

    private void addVarargs(Varargs args) {
        for (int i = 1, n = args.narg(); i <= n; i++) {
            add(args.arg(i));
        }
    }

    private void add(LuaValue v) {
        if (v == null) {
            return;
        }
        switch (v.type()) {
            case LuaValue.TSTRING -> {
                if (v instanceof LuaString s && seen.put(s, Boolean.TRUE) == null) {
                    total += STRING;
                    if (seen.put(s.m_bytes, Boolean.TRUE) == null) {
                        total += ARRAY + s.m_bytes.length;
                    }
                }
            }
            case LuaValue.TNUMBER -> {
                if (!(v instanceof LuaInteger i) || i.v < -256 || i.v > 255) {
                    total += NUMBER;
                }
            }
            case LuaValue.TTABLE, LuaValue.TFUNCTION, LuaValue.TUSERDATA, LuaValue.TTHREAD -> {
                if (seen.put(v, Boolean.TRUE) == null) {
                    pending.push(v);
                }
            }
            default -> {
            }
        }
    }

    private void drain() {
        while (!pending.isEmpty()) {
            budget.tick(1);
            Object next = pending.pop();
            switch (next) {
                case LuaTable t -> table(t);
                case LuaClosure c -> closure(c);
                case Prototype p -> prototype(p);
                case LuaUserdata u -> {
                    total += FUNCTION;
                    add(u.getmetatable());
                }
                case Holder h -> {
                    total += FUNCTION;
                    h.forEachHeld(this::add);
                }
                default -> total += FUNCTION;
            }
        }
    }

    private void table(LuaTable t) {
        total += TABLE;
        int entries = 0;
        LuaValue k = LuaValue.NIL;
        while (true) {
            Varargs e = t.next(k);
            k = e.arg1();
            if (k.isnil()) {
                break;
            }
            entries++;
            if ((entries & 0xFF) == 0) {
                budget.tick(256);
            }
            add(k);
            add(e.arg(2));
        }
        if (TABLE_ARRAY != null) {
            LuaValue[] array = (LuaValue[]) TABLE_ARRAY.get(t);
            Object[] hash = (Object[]) TABLE_HASH.get(t);
            int arrayLength = array == null ? 0 : array.length;
            total += (arrayLength + (hash == null ? 0 : hash.length)) * REFERENCE
                    + Math.max(0, entries - arrayLength) * HASH_ENTRY;
        } else {
            total += entries * HASH_ENTRY;
        }
        add(t.getmetatable());
    }

    private void closure(LuaClosure c) {
        total += FUNCTION;
        if (c.upValues != null) {
            for (UpValue u : c.upValues) {
                if (u != null) {
                    total += UPVALUE;
                    add(u.getValue());
                }
            }
        }
        if (seen.put(c.p, Boolean.TRUE) == null) {
            pending.push(c.p);
        }
    }

    // Chunks made by load() at run time hold their constants, which may be long strings.
    private void prototype(Prototype p) {
        total += PROTOTYPE + (long) p.code.length * 4 + (p.lineinfo == null ? 0 : p.lineinfo.length * 4L);
        if (p.k != null) {
            for (LuaValue constant : p.k) {
                add(constant);
            }
        }
        if (p.p != null) {
            for (Prototype inner : p.p) {
                if (seen.put(inner, Boolean.TRUE) == null) {
                    pending.push(inner);
                }
            }
        }
    }
}
