package io.polyhook.cluster.infinispan.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

import java.nio.charset.StandardCharsets;

/**
 * Primitive fields of the cluster's binary formats. Every length read is checked against what
 * is left and against a cap, so a corrupt or hostile frame fails with {@link WireException}
 * instead of allocating what it claims.
 */
final class Wire {

    /** The longest string a field may hold: an MQTT string's limit. */
    static final int MAX_STRING = 65_535;
    /** The largest binary field: an MQTT packet's limit. */
    static final int MAX_BYTES = 268_435_455;

    private Wire() {
    }

    static void writeString(ByteBuf out, String s) {
        int lengthAt = out.writerIndex();
        out.writeInt(0);
        int n = ByteBufUtil.writeUtf8(out, s);
        out.setInt(lengthAt, n);
    }

    static String readString(ByteBuf in) {
        int n = readLength(in, MAX_STRING * 3);
        String s = in.toString(in.readerIndex(), n, StandardCharsets.UTF_8);
        in.skipBytes(n);
        return s;
    }

    static void writeBytes(ByteBuf out, byte[] bytes) {
        out.writeInt(bytes.length);
        out.writeBytes(bytes);
    }

    static byte[] readBytes(ByteBuf in) {
        int n = readLength(in, MAX_BYTES);
        byte[] b = new byte[n];
        in.readBytes(b);
        return b;
    }

    static int readCount(ByteBuf in, int max) {
        int n = in.readInt();
        if (n < 0 || n > max) {
            throw new WireException("count " + n + " out of range 0.." + max);
        }
        return n;
    }

    private static int readLength(ByteBuf in, int max) {
        int n = in.readInt();
        if (n < 0 || n > max || n > in.readableBytes()) {
            throw new WireException("length " + n + " out of range (" + in.readableBytes() + " bytes left)");
        }
        return n;
    }

    /** A frame or record that cannot be decoded. */
    static final class WireException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        WireException(String message) {
            super(message);
        }
    }
}
