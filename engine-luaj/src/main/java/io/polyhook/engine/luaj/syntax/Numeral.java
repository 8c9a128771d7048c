package io.polyhook.engine.luaj.syntax;

/**
 * A numeral as Lua 5.3 reads it: an integer (decimal, or hexadecimal wrapping around modulo
 * 2^64) or a float (a decimal that does not fit 64 bits is one too).
 *
 * @param integer whether Lua 5.3 reads it as an integer
 * @param longValue  its value if it is an integer
 * @param doubleValue its value as a float (for an integer, the nearest double)
 * @param hex     whether it was written in hexadecimal
 */
record Numeral(boolean integer, long longValue, double doubleValue, boolean hex) {

    /** The numeral spelled by {@code text}, or null if Lua 5.3 calls it malformed. */
    static Numeral parse(String text) {
        boolean hex = text.length() > 1 && text.charAt(0) == '0' && (text.charAt(1) == 'x' || text.charAt(1) == 'X');
        Numeral integer = hex ? hexInteger(text) : decimalInteger(text);
        if (integer != null) {
            return integer;
        }
        if (text.indexOf('n') >= 0 || text.indexOf('N') >= 0) {
            return null; // no "inf" or "nan" spelled out
        }
        Double d = hex ? hexFloat(text) : decimalFloat(text);
        return d == null ? null : new Numeral(false, 0, d, hex);
    }

    /**
     * The text to give LuaJ's compiler for this numeral when LuaJ would read the original
     * differently (hexadecimal beyond 31 bits, which 5.3 wraps around, and hexadecimal floats,
     * which LuaJ reads by its own rules); null when LuaJ reads the original as Lua 5.3 does.
     */
    String luajText() {
        if (!hex || (integer && longValue >= 0 && longValue <= Integer.MAX_VALUE)) {
            return null;
        }
        if (integer) {
            return longValue < 0 ? "(" + longValue + ")" : Long.toString(longValue);
        }
        if (Double.isInfinite(doubleValue)) {
            return "1e9999";
        }
        return Double.toString(doubleValue);
    }

    /** Whether this is a number other than zero with a finite value. */
    boolean finiteNonZero() {
        return integer ? longValue != 0 : doubleValue != 0 && Double.isFinite(doubleValue);
    }

    private static Numeral hexInteger(String text) {
        if (text.length() < 3) {
            return null;
        }
        long v = 0;
        for (int i = 2; i < text.length(); i++) {
            int d = Character.digit(text.charAt(i), 16);
            if (d < 0) {
                return null;
            }
            v = (v << 4) + d; // wraps around, as in Lua 5.3
        }
        return new Numeral(true, v, v, true);
    }

    private static Numeral decimalInteger(String text) {
        long v = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
            int d = c - '0';
            if (v > (Long.MAX_VALUE - d) / 10) {
                return null; // does not fit: a float
            }
            v = v * 10 + d;
        }
        return text.isEmpty() ? null : new Numeral(true, v, v, false);
    }

    /** digits [. digits] [(e|E) [+|-] digits], with at least one digit before the exponent. */
    private static Double decimalFloat(String text) {
        int i = 0;
        int n = text.length();
        int digits = 0;
        while (i < n && Character.isDigit(text.charAt(i))) {
            i++;
            digits++;
        }
        if (i < n && text.charAt(i) == '.') {
            i++;
            while (i < n && Character.isDigit(text.charAt(i))) {
                i++;
                digits++;
            }
        }
        if (digits == 0) {
            return null;
        }
        if (i < n && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
            i++;
            if (i < n && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
                i++;
            }
            int expDigits = 0;
            while (i < n && Character.isDigit(text.charAt(i))) {
                i++;
                expDigits++;
            }
            if (expDigits == 0) {
                return null;
            }
        }
        return i == n ? Double.parseDouble(text) : null;
    }

    /** 0x hexdigits [. hexdigits] [(p|P) [+|-] digits], with at least one hex digit. */
    private static Double hexFloat(String text) {
        int i = 2;
        int n = text.length();
        double mantissa = 0;
        int exponent = 0;
        int digits = 0;
        boolean dot = false;
        for (; i < n; i++) {
            char c = text.charAt(i);
            if (c == '.' && !dot) {
                dot = true;
                continue;
            }
            int d = Character.digit(c, 16);
            if (d < 0) {
                break;
            }
            digits++;
            // Beyond the precision of a double, a digit only moves the point.
            if (mantissa < 0x1p60) {
                mantissa = mantissa * 16 + d;
                exponent -= dot ? 4 : 0;
            } else if (!dot) {
                exponent += 4;
            }
        }
        if (digits == 0) {
            return null;
        }
        if (i < n && (text.charAt(i) == 'p' || text.charAt(i) == 'P')) {
            i++;
            boolean negative = false;
            if (i < n && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
                negative = text.charAt(i) == '-';
                i++;
            }
            int e = 0;
            int expDigits = 0;
            for (; i < n && Character.isDigit(text.charAt(i)); i++, expDigits++) {
                e = Math.min(e * 10 + (text.charAt(i) - '0'), 100_000);
            }
            if (expDigits == 0) {
                return null;
            }
            exponent += negative ? -e : e;
        }
        return i == n ? Math.scalb(mantissa, Math.max(-100_000, Math.min(exponent, 100_000))) : null;
    }
}
