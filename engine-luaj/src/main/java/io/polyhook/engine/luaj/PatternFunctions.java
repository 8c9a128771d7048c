package io.polyhook.engine.luaj;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

import java.util.function.Consumer;

/**
 * {@code string.find}, {@code string.match}, {@code string.gmatch} and {@code string.gsub} with
 * Lua 5.3's semantics (reference manual, §6.4.1) on {@link LuaPattern}, which stops at the call's
 * deadline; they replace LuaJ's, which neither stop nor follow 5.3 in every case (empty matches
 * in {@code gsub} and {@code gmatch}, the frontier pattern, {@code init} past the end).
 */
final class PatternFunctions {

    private PatternFunctions() {
    }

    /** Puts the four functions into {@code strings}, each reporting to {@code budget}. */
    static void install(LuaTable strings, LuaBudget budget) {
        strings.rawset("find", new Find(budget, true));
        strings.rawset("match", new Find(budget, false));
        strings.rawset("gmatch", new Gmatch(budget));
        strings.rawset("gsub", new Gsub(budget));
    }

    // As Lua's posrelat: a negative position counts from the end; before the start is 0.
    static long position(long pos, int length) {
        if (pos >= 0) {
            return pos;
        }
        return -pos > length ? 0 : length + pos + 1;
    }

    /** {@code string.find(s, pattern [, init [, plain]])} and {@code string.match(s, pattern [, init])}. */
    private static final class Find extends VarArgFunction {
        private final LuaBudget budget;
        private final boolean find;

        Find(LuaBudget budget, boolean find) {
            this.budget = budget;
            this.find = find;
            this.name = find ? "find" : "match";
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaString s = args.checkstring(1);
            LuaString pattern = args.checkstring(2);
            int length = s.m_length;
            long init = Math.max(1, position(args.optlong(3, 1), length));
            if (init > length + 1L) {
                return NIL;
            }
            int from = (int) init - 1;
            if (find && (args.arg(4).toboolean() || LuaPattern.isPlain(pattern))) {
                int at = LuaPattern.find(s, pattern, from, budget);
                return at < 0 ? NIL : varargsOf(valueOf(at + 1), valueOf(at + pattern.m_length));
            }
            LuaPattern m = new LuaPattern(s, pattern, budget);
            boolean anchored = m.anchored();
            int start = anchored ? 1 : 0;
            for (int s1 = from; ; s1++) {
                m.reset();
                int e = m.match(s1, start);
                if (e != -1) {
                    return find ? varargsOf(valueOf(s1 + 1), valueOf(e), m.captures(s1, e, false)) : m.captures(s1, e, true);
                }
                if (anchored || s1 >= length) {
                    return NIL;
                }
            }
        }
    }

    /** {@code string.gmatch(s, pattern)}: an iterator over the matches; {@code ^} is not an anchor here. */
    private static final class Gmatch extends VarArgFunction {
        private final LuaBudget budget;

        Gmatch(LuaBudget budget) {
            this.budget = budget;
            this.name = "gmatch";
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaString s = args.checkstring(1);
            LuaString pattern = args.checkstring(2);
            return new Iterator(s, pattern, new LuaPattern(s, pattern, budget));
        }
    }

    private static final class Iterator extends VarArgFunction implements LiveSize.Holder {
        private final LuaString subject;
        private final LuaString pattern;
        private final LuaPattern matcher;
        private int position;
        private int lastMatch = -1;

        Iterator(LuaString subject, LuaString pattern, LuaPattern matcher) {
            this.subject = subject;
            this.pattern = pattern;
            this.matcher = matcher;
            this.name = "gmatch iterator";
        }

        @Override
        public Varargs invoke(Varargs args) {
            for (int s = position; s <= matcher.length(); s++) {
                matcher.reset();
                int e = matcher.match(s, 0);
                // An empty match right where the last match ended is no new match (Lua 5.3.3 and later).
                if (e != -1 && e != lastMatch) {
                    position = e;
                    lastMatch = e;
                    return matcher.captures(s, e, true);
                }
            }
            position = matcher.length() + 1;
            return NIL;
        }

        @Override
        public void forEachHeld(Consumer<LuaValue> action) {
            action.accept(subject);
            action.accept(pattern);
        }
    }

    /** {@code string.gsub(s, pattern, repl [, n])}, the result bounded by {@code max_string_size}. */
    private static final class Gsub extends VarArgFunction {
        private final LuaBudget budget;

        Gsub(LuaBudget budget) {
            this.budget = budget;
            this.name = "gsub";
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaString s = args.checkstring(1);
            LuaString pattern = args.checkstring(2);
            LuaValue repl = args.arg(3);
            int type = repl.type();
            if (type != TNUMBER && type != TSTRING && type != TTABLE && type != TFUNCTION) {
                return argerror(3, "string/function/table expected, got " + (type == TNONE ? "no value" : repl.typename()));
            }
            LuaString replString = type == TNUMBER || type == TSTRING ? repl.strvalue() : null;
            long max = args.isnoneornil(4) ? s.m_length + 1L : args.checklong(4);
            LuaPattern m = new LuaPattern(s, pattern, budget);
            boolean anchored = m.anchored();
            int start = anchored ? 1 : 0;
            BoundedBuffer out = new BoundedBuffer(budget, "string.gsub", s.m_length);
            int at = 0;
            int lastMatch = -1;
            long n = 0;
            while (n < max) {
                m.reset();
                int e = m.match(at, start);
                if (e != -1 && e != lastMatch) {
                    n++;
                    if (replString != null) {
                        appendExpanded(out, m, replString, at, e);
                    } else {
                        appendValue(out, m, repl, s, at, e);
                    }
                    at = e;
                    lastMatch = e;
                } else if (at < s.m_length) {
                    out.append(s.m_bytes[s.m_offset + at++]);
                } else {
                    break;
                }
                if (anchored) {
                    break;
                }
            }
            out.append(s, at, s.m_length);
            return varargsOf(out.toLuaString(), valueOf(n));
        }

        // A replacement string: %0 the whole match, %1..%9 the captures, %% a percent sign.
        private static void appendExpanded(BoundedBuffer out, LuaPattern m, LuaString repl, int s, int e) {
            byte[] b = repl.m_bytes;
            int end = repl.m_offset + repl.m_length;
            for (int i = repl.m_offset; i < end; i++) {
                int c = b[i];
                if (c != '%') {
                    out.append(c);
                    continue;
                }
                int d = ++i < end ? b[i] : -1;
                if (d == '%') {
                    out.append('%');
                } else if (d == '0') {
                    m.appendMatch(out, s, e);
                } else if (d >= '1' && d <= '9') {
                    m.appendCapture(out, d - '1', s, e);
                } else {
                    throw new LuaError("invalid use of '%' in replacement string");
                }
            }
        }

        // A table (indexed by the first capture) or a function (called with the captures).
        private static void appendValue(BoundedBuffer out, LuaPattern m, LuaValue repl, LuaString s, int from, int to) {
            LuaValue value = repl.istable() ? repl.get(m.capture(0, from, to)) : repl.invoke(m.captures(from, to, true)).arg1();
            if (!value.toboolean()) {
                out.append(s, from, to);
            } else if (value.isstring()) {
                out.append(value.strvalue());
            } else {
                throw new LuaError("invalid replacement value (a " + value.typename() + ")");
            }
        }
    }
}
