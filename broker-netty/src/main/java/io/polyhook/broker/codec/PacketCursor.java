package io.polyhook.broker.codec;

import io.netty.buffer.ByteBuf;

/**
 * Reads the fields of one whole packet in place, by absolute index, never past the packet's end:
 * a length that points past it is a malformed packet here, where Netty's decoder would read on
 * into the packets that follow. Reused for every packet of a connection (no allocation per packet).
 */
final class PacketCursor {

    private ByteBuf buf;
    private int pos;
    private int limit;
    private boolean inConnect;
    private boolean mqtt5;

    /** Points the cursor at the body of one packet: {@code [start, limit)} of {@code buffer}. */
    void reset(ByteBuf buffer, int start, int end, boolean connect, boolean v5) {
        this.buf = buffer;
        this.pos = start;
        this.limit = end;
        this.inConnect = connect;
        this.mqtt5 = v5;
    }

    /** Drops the buffer reference once the packet is checked. */
    void clear() {
        buf = null;
    }

    int remaining() {
        return limit - pos;
    }

    boolean atEnd() {
        return pos == limit;
    }

    /** Ends reading at {@code end} (a property block inside the packet); returns the previous end. */
    int narrow(int end) {
        int old = limit;
        limit = end;
        return old;
    }

    int position() {
        return pos;
    }

    MqttViolation fail(int reasonCode, String what) {
        return new MqttViolation(reasonCode, inConnect, mqtt5, what);
    }

    MqttViolation malformed(String what) {
        return fail(MqttViolation.MALFORMED_PACKET, what);
    }

    MqttViolation protocolError(String what) {
        return fail(MqttViolation.PROTOCOL_ERROR, what);
    }

    private void need(int n, String what) {
        if (limit - pos < n) {
            throw malformed(what + " past the end of the packet");
        }
    }

    int u8(String what) {
        need(1, what);
        return buf.getUnsignedByte(pos++);
    }

    int u16(String what) {
        need(2, what);
        int v = buf.getUnsignedShort(pos);
        pos += 2;
        return v;
    }

    long u32(String what) {
        need(4, what);
        long v = buf.getUnsignedInt(pos);
        pos += 4;
        return v;
    }

    /** A variable byte integer (MQTT 5 §1.5.5): at most four bytes. */
    int varInt(String what) {
        int value = 0;
        for (int i = 0; i < 4; i++) {
            int b = u8(what);
            value |= (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                if (b == 0 && i > 0) {
                    throw malformed(what + " not in its shortest form");
                }
                return value;
            }
        }
        throw malformed(what + " longer than four bytes");
    }

    /** Skips binary data (two-byte length, then the bytes). */
    void binary(String what) {
        int n = u16(what);
        need(n, what);
        pos += n;
    }

    /** Skips a UTF-8 string after checking it (MQTT 5 §1.5.4); returns its length in bytes. */
    int string(String what) {
        int n = u16(what);
        need(n, what);
        checkUtf8(pos, n, false, what);
        pos += n;
        return n;
    }

    /**
     * Skips a topic name: a UTF-8 string without the wildcards {@code +} and {@code #}
     * (MQTT 5 §4.7.3); returns its length in bytes. {@code wildcardCode}: the reason code for a wildcard.
     */
    int topicName(String what, int wildcardCode) {
        int n = u16(what);
        need(n, what);
        if (checkUtf8(pos, n, true, what)) {
            throw fail(wildcardCode, what + " holds a wildcard");
        }
        pos += n;
        return n;
    }

    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final long LOW_BITS = 0x0101010101010101L;
    private static final long PLUSES = LOW_BITS * '+';
    private static final long HASHES = LOW_BITS * '#';

    /** Whether one of the eight bytes of {@code word} (each below 0x80) is zero. */
    private static boolean hasZeroByte(long word) {
        return ((word - LOW_BITS) & ~word & HIGH_BITS) != 0;
    }

    /**
     * Checks well-formed UTF-8 without U+0000, surrogates or overlong forms; returns whether an
     * ASCII {@code +} or {@code #} occurs (looked for only if {@code findWildcards}).
     */
    private boolean checkUtf8(int from, int length, boolean findWildcards, String what) {
        boolean wildcard = false;
        int end = from + length;
        int i = from;
        // ASCII, eight bytes at a time: the usual topic costs a few operations per eight characters.
        for (; i + 8 <= end; i += 8) {
            long word = buf.getLong(i);
            if ((word & HIGH_BITS) != 0) {
                break;
            }
            if (hasZeroByte(word)) {
                throw malformed(what + " holds U+0000");
            }
            if (findWildcards && (hasZeroByte(word ^ PLUSES) || hasZeroByte(word ^ HASHES))) {
                wildcard = true;
            }
        }
        while (i < end) {
            int b = buf.getByte(i) & 0xFF;
            if (b < 0x80) {
                if (b == 0) {
                    throw malformed(what + " holds U+0000");
                }
                if (findWildcards && (b == '+' || b == '#')) {
                    wildcard = true;
                }
                i++;
                continue;
            }
            int extra;
            int min;
            int cp;
            if (b >= 0xC2 && b <= 0xDF) {
                extra = 1;
                min = 0x80;
                cp = b & 0x1F;
            } else if (b >= 0xE0 && b <= 0xEF) {
                extra = 2;
                min = 0x800;
                cp = b & 0x0F;
            } else if (b >= 0xF0 && b <= 0xF4) {
                extra = 3;
                min = 0x10000;
                cp = b & 0x07;
            } else {
                throw malformed(what + " is not UTF-8");
            }
            if (i + extra >= end) {
                throw malformed(what + " ends inside a UTF-8 sequence");
            }
            for (int k = 1; k <= extra; k++) {
                int c = buf.getByte(i + k) & 0xFF;
                if ((c & 0xC0) != 0x80) {
                    throw malformed(what + " is not UTF-8");
                }
                cp = (cp << 6) | (c & 0x3F);
            }
            if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                throw malformed(what + " is not UTF-8");
            }
            i += extra + 1;
        }
        return wildcard;
    }
}
