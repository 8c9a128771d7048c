package io.polyhook.engine.luaj.lua53;

import io.polyhook.engine.luaj.syntax.Operator;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaInteger;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.OneArgFunction;
import org.luaj.vm2.lib.TwoArgFunction;

import java.util.function.LongBinaryOperator;

/**
 * The Lua 5.3 operators LuaJ lacks, as functions the compiled code calls: stateless, shared by
 * every state, each a constant amount of work.
 *
 * <p>LuaJ keeps no integer/float subtype: a number with an integral value is an integer. So an
 * operand is an integer when its value is integral and within 64 bits (2^63, the double nearest
 * to {@code math.maxinteger}, counts as {@code math.maxinteger}); strings are converted to
 * numbers first, as 5.3 does. Results that do not fit 32 bits are LuaJ doubles, exact up to
 * 2^53. Operands that are not numbers go to their {@code __idiv}, {@code __mod}, {@code __band},
 * ... metamethods, as in 5.3.
 */
public final class Operators {

    private static final double TWO_63 = 0x1p63;
    private static final LuaString IDIV_EVENT = LuaString.valueOf("__idiv");
    private static final LuaString MOD_EVENT = LuaString.valueOf("__mod");

    private static final LuaValue IDIV = new TwoArgFunction() {
        @Override
        public LuaValue call(LuaValue a, LuaValue b) {
            if (a instanceof LuaInteger && b instanceof LuaInteger) {
                return integerDivision(a.toint(), b.toint());
            }
            LuaValue x = a.tonumber();
            LuaValue y = b.tonumber();
            if (x.isnil() || y.isnil()) {
                return arithmeticMetamethod(a, b, x, IDIV_EVENT);
            }
            double dx = x.todouble();
            double dy = y.todouble();
            if (isInteger(dx) && isInteger(dy)) {
                return integerDivision((long) dx, (long) dy);
            }
            return LuaValue.valueOf(Math.floor(dx / dy));
        }
    };

    private static final LuaValue MOD = new TwoArgFunction() {
        @Override
        public LuaValue call(LuaValue a, LuaValue b) {
            if (a instanceof LuaInteger && b instanceof LuaInteger) {
                return integerModulo(a.toint(), b.toint());
            }
            LuaValue x = a.tonumber();
            LuaValue y = b.tonumber();
            if (x.isnil() || y.isnil()) {
                // LuaJ's own % knows __mod.
                return a.mod(b);
            }
            double dx = x.todouble();
            double dy = y.todouble();
            if (isInteger(dx) && isInteger(dy)) {
                return integerModulo((long) dx, (long) dy);
            }
            double m = dx % dy; // C's fmod
            if (m > 0 ? dy < 0 : (m < 0 && dy != m)) {
                m += dy;
            }
            return LuaValue.valueOf(m);
        }
    };

    private static final LuaValue BAND = bitwise("__band", (x, y) -> x & y);
    private static final LuaValue BOR = bitwise("__bor", (x, y) -> x | y);
    private static final LuaValue BXOR = bitwise("__bxor", (x, y) -> x ^ y);
    private static final LuaValue SHL = bitwise("__shl", Operators::shiftLeft);
    private static final LuaValue SHR = bitwise("__shr", (x, y) -> shiftLeft(x, y == Long.MIN_VALUE ? Long.MAX_VALUE : -y));

    private static final LuaValue BNOT = new OneArgFunction() {
        private static final LuaString EVENT = LuaString.valueOf("__bnot");

        @Override
        public LuaValue call(LuaValue a) {
            if (a instanceof LuaInteger) {
                return LuaInteger.valueOf(~a.toint());
            }
            LuaValue x = a.tonumber();
            if (!x.isnil()) {
                return of(~integer(x));
            }
            LuaValue handler = metamethod(a, a, EVENT);
            if (handler.isnil()) {
                throw new LuaError("attempt to perform bitwise operation on a " + a.typename() + " value");
            }
            return handler.call(a, a);
        }
    };

    private Operators() {
    }

    /** The function that gives {@code operator}'s Lua 5.3 meaning. */
    public static LuaValue function(Operator operator) {
        return switch (operator) {
            case IDIV -> IDIV;
            case MOD -> MOD;
            case BAND -> BAND;
            case BOR -> BOR;
            case BXOR -> BXOR;
            case SHL -> SHL;
            case SHR -> SHR;
            case BNOT -> BNOT;
        };
    }

    /** Whether {@code d} is an integer in Polyhook's Lua: integral and within 64 bits (the ends included). */
    public static boolean isInteger(double d) {
        return d == Math.rint(d) && d >= -TWO_63 && d <= TWO_63;
    }

    /**
     * The integer a number stands for.
     *
     * @throws LuaError {@code number has no integer representation} if it is not integral or
     *                  is beyond 64 bits, as 5.3 says
     */
    public static long integer(LuaValue number) {
        if (number instanceof LuaInteger) {
            return number.toint();
        }
        double d = number.todouble();
        if (!isInteger(d)) {
            throw new LuaError("number has no integer representation");
        }
        return (long) d;
    }

    /** The Lua number of a 64-bit integer: an exact LuaJ integer within 32 bits, else the nearest double. */
    public static LuaValue of(long value) {
        return value == (int) value ? LuaInteger.valueOf((int) value) : LuaValue.valueOf((double) value);
    }

    private static LuaValue integerDivision(long x, long y) {
        if (y == 0) {
            throw new LuaError("attempt to divide by zero");
        }
        return of(Math.floorDiv(x, y));
    }

    private static LuaValue integerModulo(long x, long y) {
        if (y == 0) {
            throw new LuaError("attempt to perform 'n%0'");
        }
        return of(Math.floorMod(x, y));
    }

    private static long shiftLeft(long x, long y) {
        if (y <= -Long.SIZE || y >= Long.SIZE) {
            return 0;
        }
        return y >= 0 ? x << y : x >>> -y;
    }

    private static LuaValue bitwise(String event, LongBinaryOperator operation) {
        LuaString tag = LuaString.valueOf(event);
        return new TwoArgFunction() {
            @Override
            public LuaValue call(LuaValue a, LuaValue b) {
                if (a instanceof LuaInteger && b instanceof LuaInteger) {
                    return of(operation.applyAsLong(a.toint(), b.toint()));
                }
                LuaValue x = a.tonumber();
                LuaValue y = b.tonumber();
                if (!x.isnil() && !y.isnil()) {
                    return of(operation.applyAsLong(integer(x), integer(y)));
                }
                LuaValue handler = metamethod(a, b, tag);
                if (handler.isnil()) {
                    throw new LuaError("attempt to perform bitwise operation on a " + (x.isnil() ? a : b).typename()
                            + " value");
                }
                return handler.call(a, b);
            }
        };
    }

    private static LuaValue arithmeticMetamethod(LuaValue a, LuaValue b, LuaValue x, LuaString event) {
        LuaValue handler = metamethod(a, b, event);
        if (handler.isnil()) {
            throw new LuaError("attempt to perform arithmetic on a " + (x.isnil() ? a : b).typename() + " value");
        }
        return handler.call(a, b);
    }

    /** The handler of {@code event} in {@code a}'s metatable, else in {@code b}'s, else nil. */
    private static LuaValue metamethod(LuaValue a, LuaValue b, LuaString event) {
        LuaValue handler = a.metatag(event);
        return handler.isnil() ? b.metatag(event) : handler;
    }
}
