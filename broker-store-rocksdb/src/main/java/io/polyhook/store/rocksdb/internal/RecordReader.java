package io.polyhook.store.rocksdb.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Reads a record written by {@link RecordWriter}; anything malformed is a {@link CorruptRecordException}. */
final class RecordReader {

    private final byte[] buf;
    private int pos;

    RecordReader(byte[] buf) {
        this.buf = buf;
    }

    int u8() {
        need(1);
        return buf[pos++] & 0xFF;
    }

    int u16() {
        need(2);
        int v = ((buf[pos] & 0xFF) << 8) | (buf[pos + 1] & 0xFF);
        pos += 2;
        return v;
    }

    long i64() {
        need(8);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (buf[pos++] & 0xFF);
        }
        return v;
    }

    long varint() {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = u8();
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new CorruptRecordException("varint longer than 64 bits");
    }

    int varint32() {
        long v = varint();
        if (v > Integer.MAX_VALUE) {
            throw new CorruptRecordException("number out of range: " + v);
        }
        return (int) v;
    }

    byte[] bytes() {
        int n = varint32();
        need(n);
        byte[] out = Arrays.copyOfRange(buf, pos, pos + n);
        pos += n;
        return out;
    }

    /** Skips a length-prefixed field. */
    void skipBytes() {
        int n = varint32();
        need(n);
        pos += n;
    }

    String string() {
        int n = varint32();
        need(n);
        String s = new String(buf, pos, n, StandardCharsets.UTF_8);
        pos += n;
        return s;
    }

    void expectEnd() {
        if (pos != buf.length) {
            throw new CorruptRecordException((buf.length - pos) + " bytes after the end of the record");
        }
    }

    private void need(int n) {
        if (n < 0 || pos + n > buf.length) {
            throw new CorruptRecordException("record ends early (" + buf.length + " bytes)");
        }
    }
}
