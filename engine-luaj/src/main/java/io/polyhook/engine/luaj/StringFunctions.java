package io.polyhook.engine.luaj;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.OneArgFunction;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * The functions of {@code string} that build strings or many values, in place of LuaJ's: each
 * checks {@code max_string_size} before it builds and charges what it builds to the state's
 * {@link LuaBudget}, so that neither a single call ({@code string.rep("", 1e15)}) nor many
 * ({@code t[i] = big:upper()} in a loop) can outrun the deadline or the memory cap. Semantics
 * are Lua 5.3's. The pattern functions are {@link PatternFunctions}.
 */
final class StringFunctions {

    /** As Lua's LUAI_MAXSTACK: the most values one call may return. */
    static final int MAX_RESULTS = 1_000_000;

    private StringFunctions() {
    }

    /** Puts the functions into {@code strings}, each reporting to {@code budget}. */
    static void install(LuaTable strings, LuaBudget budget) {
        strings.rawset("rep", new Rep(budget));
        strings.rawset("sub", new Sub(budget));
        strings.rawset("upper", new Map(budget, "upper"));
        strings.rawset("lower", new Map(budget, "lower"));
        strings.rawset("reverse", new Map(budget, "reverse"));
        strings.rawset("byte", new Byte(budget));
        strings.rawset("char", new Char(budget));
        strings.rawset("format", new Format(strings.get("format"), budget));
        PatternFunctions.install(strings, budget);
    }

    /** {@code string.rep(s, n [, sep])}, refused before it builds more than the limit. */
    private static final class Rep extends VarArgFunction {
        private final LuaBudget budget;

        Rep(LuaBudget budget) {
            this.budget = budget;
            this.name = "rep";
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaString s = args.checkstring(1);
            long n = args.checklong(2);
            LuaString sep = args.optstring(3, EMPTYSTRING);
            double size = (double) s.m_length * n + (double) sep.m_length * (n - 1);
            // Nothing to repeat: done at once, however large n is.
            if (n <= 0 || size <= 0) {
                return EMPTYSTRING;
            }
            budget.checkStringSize(size, "string.rep");
            if (size > Integer.MAX_VALUE - 8) {
                throw new LuaError("resulting string too large");
            }
            budget.allocateString(size, "string.rep");
            byte[] out = new byte[(int) size];
            // One repetition and its separator, then the filled part doubled: the output is periodic.
            System.arraycopy(s.m_bytes, s.m_offset, out, 0, s.m_length);
            int filled = s.m_length;
            if (n > 1) {
                System.arraycopy(sep.m_bytes, sep.m_offset, out, filled, sep.m_length);
                filled += sep.m_length;
            }
            while (filled < out.length) {
                int piece = Math.min(filled, out.length - filled);
                System.arraycopy(out, 0, out, filled, piece);
                filled += piece;
            }
            return LuaString.valueUsing(out);
        }
    }

    /** {@code string.sub(s, i [, j])}. */
    private static final class Sub extends VarArgFunction {
        private final LuaBudget budget;

        Sub(LuaBudget budget) {
            this.budget = budget;
            this.name = "sub";
        }

        @Override
        public LuaValue call(LuaValue s, LuaValue i) {
            return sub(s.checkstring(), i.checklong(), -1);
        }

        @Override
        public LuaValue call(LuaValue s, LuaValue i, LuaValue j) {
            return sub(s.checkstring(), i.checklong(), j.isnil() ? -1 : j.checklong());
        }

        @Override
        public Varargs invoke(Varargs args) {
            return sub(args.checkstring(1), args.checklong(2), args.optlong(3, -1));
        }

        private LuaValue sub(LuaString s, long i, long j) {
            int length = s.m_length;
            long start = Math.max(1, PatternFunctions.position(i, length));
            long end = Math.min(length, PatternFunctions.position(j, length));
            if (start > end) {
                return EMPTYSTRING;
            }
            int n = (int) (end - start + 1);
            // LuaJ shares the bytes of a long piece and copies a short one.
            if (n < length / 2) {
                budget.allocate(n + LiveSize.STRING + LiveSize.ARRAY);
            }
            return s.substring((int) start - 1, (int) end);
        }
    }

    /** {@code string.upper}, {@code string.lower}, {@code string.reverse}: a copy, byte by byte. */
    private static final class Map extends OneArgFunction {
        private final LuaBudget budget;

        Map(LuaBudget budget, String name) {
            this.budget = budget;
            this.name = name;
        }

        @Override
        public LuaValue call(LuaValue arg) {
            LuaString s = arg.checkstring();
            int n = s.m_length;
            budget.allocateString(n, "string." + name);
            byte[] out = new byte[n];
            byte[] in = s.m_bytes;
            int o = s.m_offset;
            switch (name) {
                case "upper" -> {
                    for (int i = 0; i < n; i++) {
                        byte b = in[o + i];
                        out[i] = b >= 'a' && b <= 'z' ? (byte) (b - 32) : b;
                    }
                }
                case "lower" -> {
                    for (int i = 0; i < n; i++) {
                        byte b = in[o + i];
                        out[i] = b >= 'A' && b <= 'Z' ? (byte) (b + 32) : b;
                    }
                }
                default -> {
                    for (int i = 0; i < n; i++) {
                        out[i] = in[o + n - 1 - i];
                    }
                }
            }
            return LuaString.valueUsing(out);
        }
    }

    /** {@code string.byte(s [, i [, j]])}: at most {@value #MAX_RESULTS} values, as in Lua. */
    private static final class Byte extends VarArgFunction {
        private final LuaBudget budget;

        Byte(LuaBudget budget) {
            this.budget = budget;
            this.name = "byte";
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaString s = args.checkstring(1);
            int length = s.m_length;
            long i = args.optlong(2, 1);
            long start = Math.max(1, PatternFunctions.position(i, length));
            long end = Math.min(length, PatternFunctions.position(args.isnoneornil(3) ? i : args.checklong(3), length));
            if (start > end) {
                return NONE;
            }
            long n = end - start + 1;
            if (n > MAX_RESULTS) {
                throw new LuaError("string slice too long");
            }
            if (n == 1) {
                return valueOf(s.m_bytes[s.m_offset + (int) start - 1] & 0xFF);
            }
            budget.allocate(n * LiveSize.REFERENCE);
            LuaValue[] values = new LuaValue[(int) n];
            for (int k = 0; k < n; k++) {
                values[k] = valueOf(s.m_bytes[s.m_offset + (int) start - 1 + k] & 0xFF);
            }
            return varargsOf(values);
        }
    }

    /** {@code string.char(...)}. */
    private static final class Char extends VarArgFunction {
        private final LuaBudget budget;

        Char(LuaBudget budget) {
            this.budget = budget;
            this.name = "char";
        }

        @Override
        public Varargs invoke(Varargs args) {
            int n = args.narg();
            budget.allocateString(n, "string.char");
            byte[] out = new byte[n];
            for (int i = 0; i < n; i++) {
                long c = args.checklong(i + 1);
                if (c < 0 || c > 255) {
                    argerror(i + 1, "value out of range");
                }
                out[i] = (byte) c;
            }
            return LuaString.valueUsing(out);
        }
    }

    /** LuaJ's {@code string.format}, refused and charged before it builds more than the limit. */
    private static final class Format extends VarArgFunction {
        private static final LuaString QUOTED = LuaString.valueOf("%q");
        private final LuaValue original;
        private final LuaBudget budget;

        Format(LuaValue original, LuaBudget budget) {
            this.original = original;
            this.budget = budget;
            this.name = "format";
        }

        @Override
        public Varargs invoke(Varargs args) {
            // LuaJ caps widths and precisions at two digits, so 100 bytes bound any other directive;
            // %q may double a string (escapes).
            int perByte = args.checkstring(1).indexOf(QUOTED, 0) >= 0 ? 2 : 1;
            double size = 0;
            for (int i = 1; i <= args.narg(); i++) {
                LuaValue v = args.arg(i);
                size += v instanceof LuaString str ? (double) str.length() * perByte + 100 : 100;
            }
            budget.allocateString(size, "string.format");
            return original.invoke(args);
        }
    }
}
