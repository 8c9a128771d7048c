package io.polyhook.engine.luaj;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * The functions of {@code table} that loop over a table or build from it, bounded: {@code concat},
 * {@code unpack} and {@code sort} in place of LuaJ's, and LuaJ's {@code insert}, {@code remove}
 * and {@code pack} with their work and allocation reported to the state's {@link LuaBudget}.
 * Semantics are Lua 5.3's: {@code unpack} returns at most {@value StringFunctions#MAX_RESULTS}
 * values ({@code table.unpack({}, 1, 2^28)} fails at once, as in Lua, instead of allocating
 * gigabytes), and elements are read and written with metamethods.
 */
final class TableFunctions {

    private TableFunctions() {
    }

    /** Puts the functions into {@code table}, each reporting to {@code budget}. */
    static void install(LuaTable table, LuaBudget budget) {
        table.rawset("concat", new Concat(budget));
        table.rawset("unpack", new Unpack(budget));
        table.rawset("sort", new Sort(budget));
        table.rawset("insert", new Metered(table.get("insert"), budget, "insert"));
        table.rawset("remove", new Metered(table.get("remove"), budget, "remove"));
        table.rawset("pack", new Metered(table.get("pack"), budget, "pack"));
    }

    /** {@code table.concat(list [, sep [, i [, j]]])}, bounded by {@code max_string_size}. */
    private static final class Concat extends VarArgFunction {
        private final LuaBudget budget;

        Concat(LuaBudget budget) {
            this.budget = budget;
            this.name = "concat";
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaTable t = args.checktable(1);
            LuaString sep = args.optstring(2, EMPTYSTRING);
            long i = args.optlong(3, 1);
            long j = args.isnoneornil(4) ? t.len().checklong() : args.checklong(4);
            BoundedBuffer out = new BoundedBuffer(budget, "table.concat", 64);
            for (long k = i; k <= j; k++) {
                budget.tick(1);
                LuaValue v = t.get(LuaValue.valueOf(k));
                if (!v.isstring()) {
                    throw new LuaError("invalid value (at index " + k + ") in table for 'concat'");
                }
                out.append(v.strvalue());
                if (k < j) {
                    out.append(sep);
                }
            }
            return out.toLuaString();
        }
    }

    /** {@code table.unpack(list [, i [, j]])}. */
    private static final class Unpack extends VarArgFunction {
        private final LuaBudget budget;

        Unpack(LuaBudget budget) {
            this.budget = budget;
            this.name = "unpack";
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaValue t = args.arg1();
            long i = args.optlong(2, 1);
            long j = args.isnoneornil(3) ? t.len().checklong() : args.checklong(3);
            if (i > j) {
                return NONE;
            }
            long n = j - i + 1;
            if (n <= 0 || n >= StringFunctions.MAX_RESULTS) {
                throw new LuaError("too many results to unpack");
            }
            budget.allocate(n * LiveSize.REFERENCE);
            LuaValue[] values = new LuaValue[(int) n];
            for (int k = 0; k < n; k++) {
                budget.tick(1);
                values[k] = t.get(LuaValue.valueOf(i + k));
            }
            return varargsOf(values);
        }
    }

    /** {@code table.sort(list [, comp])}: a merge sort, each comparison a step of the budget. */
    private static final class Sort extends VarArgFunction {
        private final LuaBudget budget;

        Sort(LuaBudget budget) {
            this.budget = budget;
            this.name = "sort";
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaValue t = args.checktable(1);
            LuaValue comp = args.arg(2);
            if (!comp.isnil()) {
                comp.checkfunction();
            }
            long n = t.len().checklong();
            if (n < 2) {
                return NONE;
            }
            if (n >= Integer.MAX_VALUE - 8) {
                argerror(1, "array too big");
            }
            budget.allocate(2 * n * LiveSize.REFERENCE);
            LuaValue[] a = new LuaValue[(int) n];
            for (int k = 0; k < n; k++) {
                budget.tick(1);
                a[k] = t.get(k + 1);
            }
            LuaValue[] b = new LuaValue[a.length];
            // Bottom-up: runs of width 1, 2, 4, ... merged from a into b, then the roles swap.
            for (int width = 1; width < a.length; width *= 2) {
                for (int lo = 0; lo < a.length; lo += 2 * width) {
                    int mid = Math.min(lo + width, a.length);
                    int hi = Math.min(lo + 2 * width, a.length);
                    merge(a, b, lo, mid, hi, comp);
                }
                LuaValue[] swap = a;
                a = b;
                b = swap;
            }
            for (int k = 0; k < n; k++) {
                budget.tick(1);
                t.set(k + 1, a[k]);
            }
            return NONE;
        }

        private void merge(LuaValue[] from, LuaValue[] to, int lo, int mid, int hi, LuaValue comp) {
            int x = lo;
            int y = mid;
            for (int k = lo; k < hi; k++) {
                budget.tick(1);
                // Take from the right run only when it is strictly less: equal elements keep their order.
                if (y < hi && (x >= mid || less(from[y], from[x], comp))) {
                    to[k] = from[y++];
                } else {
                    to[k] = from[x++];
                }
            }
        }

        private static boolean less(LuaValue p, LuaValue q, LuaValue comp) {
            return comp.isnil() ? p.lt_b(q) : comp.call(p, q).toboolean();
        }
    }

    /** A LuaJ function whose work grows with the table it is given: counted before it runs. */
    private static final class Metered extends VarArgFunction {
        private final LuaValue original;
        private final LuaBudget budget;

        Metered(LuaValue original, LuaBudget budget, String name) {
            this.original = original;
            this.budget = budget;
            this.name = name;
        }

        @Override
        public Varargs invoke(Varargs args) {
            if (name.equals("pack")) {
                budget.allocate(LiveSize.TABLE + (long) args.narg() * LuaBudget.ENTRY_CHARGE / 4);
            } else {
                // insert and remove move the elements after the position by one.
                budget.tick(args.arg1().istable() ? ((LuaTable) args.arg1()).rawlen() : 0);
                budget.allocate(LuaBudget.ENTRY_CHARGE);
            }
            return original.invoke(args);
        }
    }
}
