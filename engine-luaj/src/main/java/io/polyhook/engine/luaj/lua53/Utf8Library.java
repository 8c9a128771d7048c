package io.polyhook.engine.luaj.lua53;

import io.polyhook.engine.luaj.syntax.Utf8;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

import java.io.ByteArrayOutputStream;

/**
 * Lua 5.3's {@code utf8} library: {@code char}, {@code charpattern}, {@code codes},
 * {@code codepoint}, {@code len}, {@code offset}, with 5.3.6's rules (code points up to
 * 10FFFF, positions counted in bytes, negative positions from the end). Every function does
 * work in proportion to its input: the bytes of the string it is given or the arguments.
 */
final class Utf8Library {

    /** The pattern of one UTF-8 sequence: {@code [\0-\x7F\xC2-\xF4][\x80-\xBF]*}. */
    static final LuaString CHARPATTERN = LuaString.valueOf(new byte[] {
        '[', 0, '-', 0x7F, (byte) 0xC2, '-', (byte) 0xF4, ']', '[', (byte) 0x80, '-', (byte) 0xBF, ']', '*'});

    /** Lua 5.3's stack limit (LUAI_MAXSTACK), which bounds the values {@code codepoint} returns. */
    private static final int MAX_RESULTS = 1_000_000;

    private Utf8Library() {
    }

    /** A new {@code utf8} table. */
    static LuaTable table() {
        LuaTable t = new LuaTable();
        t.rawset("char", Arguments.function("char", Utf8Library::chars));
        t.rawset("charpattern", CHARPATTERN);
        t.rawset("codes", Arguments.function("codes", Utf8Library::codes));
        t.rawset("codepoint", Arguments.function("codepoint", Utf8Library::codepoint));
        t.rawset("len", Arguments.function("len", Utf8Library::length));
        t.rawset("offset", Arguments.function("offset", Utf8Library::offset));
        return t;
    }

    /** A position relative to a string of {@code length} bytes: negative counts from the end, too negative is 0. */
    private static long relative(long pos, int length) {
        if (pos >= 0) {
            return pos;
        }
        return -pos > length ? 0 : length + pos + 1;
    }

    private static Varargs chars(Arguments args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(args.count());
        for (int i = 1; i <= args.count(); i++) {
            long code = args.integer(i);
            if (code < 0 || code > Utf8.MAX_CODE_POINT) {
                throw args.error(i, "value out of range");
            }
            out.writeBytes(Utf8.encode(code));
        }
        return LuaString.valueUsing(out.toByteArray());
    }

    private static Varargs length(Arguments args) {
        LuaString s = args.string(1);
        long i = relative(args.optInteger(2, 1), s.m_length);
        long j = relative(args.optInteger(3, -1), s.m_length);
        if (i < 1 || i - 1 > s.m_length) {
            throw args.error(2, "initial position out of string");
        }
        if (j - 1 >= s.m_length) {
            throw args.error(3, "final position out of string");
        }
        int n = 0;
        for (int p = (int) i - 1; p <= j - 1; n++) {
            long decoded = decode(s, p);
            if (decoded < 0) {
                return LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf(p + 1));
            }
            p += (int) (decoded & 0xFF);
        }
        return LuaValue.valueOf(n);
    }

    private static Varargs codepoint(Arguments args) {
        LuaString s = args.string(1);
        long i = relative(args.optInteger(2, 1), s.m_length);
        long j = relative(args.optInteger(3, i), s.m_length);
        if (i < 1) {
            throw args.error(2, "out of range");
        }
        if (j > s.m_length) {
            throw args.error(3, "out of range");
        }
        if (i > j) {
            return LuaValue.NONE;
        }
        if (j - i >= MAX_RESULTS) {
            throw new LuaError("string slice too long");
        }
        LuaValue[] codes = new LuaValue[(int) (j - i + 1)];
        int n = 0;
        for (int p = (int) i - 1; p < j; ) {
            long decoded = decode(s, p);
            if (decoded < 0) {
                throw new LuaError("invalid UTF-8 code");
            }
            codes[n++] = LuaValue.valueOf((int) (decoded >> 8));
            p += (int) (decoded & 0xFF);
        }
        return LuaValue.varargsOf(java.util.Arrays.copyOf(codes, n));
    }

    private static Varargs offset(Arguments args) {
        LuaString s = args.string(1);
        long n = args.integer(2);
        long i = relative(args.optInteger(3, n >= 0 ? 1 : s.m_length + 1), s.m_length);
        if (i < 1 || i - 1 > s.m_length) {
            throw args.error(3, "position out of range");
        }
        int p = (int) i - 1;
        if (n == 0) {
            while (p > 0 && continuation(s, p)) {
                p--;
            }
        } else {
            if (continuation(s, p)) {
                throw new LuaError("initial position is a continuation byte");
            }
            if (n < 0) {
                while (n < 0 && p > 0) {
                    do {
                        p--;
                    } while (p > 0 && continuation(s, p));
                    n++;
                }
            } else {
                n--;
                while (n > 0 && p < s.m_length) {
                    do {
                        p++;
                    } while (continuation(s, p));
                    n--;
                }
            }
        }
        return n == 0 ? LuaValue.valueOf(p + 1) : LuaValue.NIL;
    }

    private static final VarArgFunction NEXT_CODE = new VarArgFunction() {
        @Override
        public Varargs invoke(Varargs args) {
            Arguments a = new Arguments("for iterator", args);
            LuaString s = a.string(1);
            long n = a.integer(2) - 1;
            if (n < 0) {
                n = 0;
            } else if (n < s.m_length) {
                n++;
                while (continuation(s, (int) n)) {
                    n++;
                }
            }
            if (n >= s.m_length) {
                return NONE;
            }
            long decoded = decode(s, (int) n);
            if (decoded < 0 || continuation(s, (int) n + (int) (decoded & 0xFF))) {
                throw new LuaError("invalid UTF-8 code");
            }
            return varargsOf(LuaValue.valueOf(n + 1), LuaValue.valueOf((int) (decoded >> 8)));
        }
    };

    private static Varargs codes(Arguments args) {
        return LuaValue.varargsOf(NEXT_CODE, args.string(1), LuaValue.valueOf(0));
    }

    /** Whether the byte at {@code p} is a continuation byte; the end of the string is not. */
    private static boolean continuation(LuaString s, int p) {
        return p < s.m_length && Utf8.isContinuation(s.m_bytes[s.m_offset + p]);
    }

    /** {@link Utf8#decode} at position {@code p} (0-based) of {@code s}. */
    private static long decode(LuaString s, int p) {
        return Utf8.decode(s.m_bytes, s.m_offset + p, s.m_offset + s.m_length);
    }
}
