package io.polyhook.engine.luaj.syntax;

/**
 * UTF-8 as Lua 5.3.6 sees it, for {@code \\u{XXX}} escapes and the {@code utf8} library: code
 * points up to 10FFFF; surrogates are not refused (Lua 5.3 does not refuse them); overlong forms
 * are.
 */
public final class Utf8 {

    /** The largest code point Lua 5.3.6 encodes or decodes. */
    public static final int MAX_CODE_POINT = 0x10FFFF;

    private static final int[] LIMITS = {0xFF, 0x7F, 0x7FF, 0xFFFF};

    private Utf8() {
    }

    /** The UTF-8 bytes of {@code codePoint} (0 to {@link #MAX_CODE_POINT}). */
    public static byte[] encode(long codePoint) {
        int c = (int) codePoint;
        if (c < 0x80) {
            return new byte[] {(byte) c};
        }
        if (c < 0x800) {
            return new byte[] {(byte) (0xC0 | c >> 6), (byte) (0x80 | c & 0x3F)};
        }
        if (c < 0x10000) {
            return new byte[] {(byte) (0xE0 | c >> 12), (byte) (0x80 | c >> 6 & 0x3F), (byte) (0x80 | c & 0x3F)};
        }
        return new byte[] {(byte) (0xF0 | c >> 18), (byte) (0x80 | c >> 12 & 0x3F), (byte) (0x80 | c >> 6 & 0x3F),
            (byte) (0x80 | c & 0x3F)};
    }

    /**
     * Decodes the character at {@code offset} of {@code bytes}, reading no further than {@code end}.
     *
     * @return {@code codePoint << 8 | byteCount}, or -1 if the bytes there are not a valid
     *         sequence (a stray continuation byte, a truncated or overlong sequence, a value
     *         beyond {@link #MAX_CODE_POINT})
     */
    public static long decode(byte[] bytes, int offset, int end) {
        int c = bytes[offset] & 0xFF;
        if (c < 0x80) {
            return (long) c << 8 | 1;
        }
        int count = 0;
        int value = 0;
        while ((c & 0x40) != 0) {
            count++;
            if (offset + count >= end || count > 3) {
                return -1;
            }
            int cc = bytes[offset + count] & 0xFF;
            if ((cc & 0xC0) != 0x80) {
                return -1;
            }
            value = value << 6 | (cc & 0x3F);
            c <<= 1;
        }
        value |= (c & 0x7F) << (count * 5);
        if (count == 0 || value > MAX_CODE_POINT || value <= LIMITS[count]) {
            return -1;
        }
        return (long) value << 8 | (count + 1);
    }

    /** Whether {@code b} is a continuation byte (10xxxxxx). */
    public static boolean isContinuation(byte b) {
        return (b & 0xC0) == 0x80;
    }
}
