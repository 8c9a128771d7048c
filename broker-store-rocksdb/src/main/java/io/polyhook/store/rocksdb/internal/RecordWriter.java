package io.polyhook.store.rocksdb.internal;

import io.polyhook.spi.Bytes;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Builds one record: varints, fixed big-endian numbers, length-prefixed strings and bytes. */
final class RecordWriter {

    private byte[] buf;
    private int size;

    RecordWriter(int capacity) {
        buf = new byte[Math.max(16, capacity)];
    }

    RecordWriter u8(int v) {
        ensure(1);
        buf[size++] = (byte) v;
        return this;
    }

    RecordWriter u16(int v) {
        ensure(2);
        buf[size++] = (byte) (v >>> 8);
        buf[size++] = (byte) v;
        return this;
    }

    RecordWriter i64(long v) {
        ensure(8);
        for (int shift = 56; shift >= 0; shift -= 8) {
            buf[size++] = (byte) (v >>> shift);
        }
        return this;
    }

    /** An unsigned variable-length number, 7 bits a byte. */
    RecordWriter varint(long v) {
        if (v < 0) {
            throw new IllegalArgumentException("negative varint " + v);
        }
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[size++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[size++] = (byte) v;
        return this;
    }

    RecordWriter bytes(byte[] b) {
        varint(b.length);
        return raw(b);
    }

    /** A length-prefixed {@link Bytes}, copied once (no intermediate array). */
    RecordWriter bytes(Bytes b) {
        varint(b.size());
        ensure(b.size());
        try {
            b.writeTo(new OutputStream() {
                @Override
                public void write(int x) {
                    buf[size++] = (byte) x;
                }

                @Override
                public void write(byte[] src, int off, int len) {
                    System.arraycopy(src, off, buf, size, len);
                    size += len;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    RecordWriter raw(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, size, b.length);
        size += b.length;
        return this;
    }

    RecordWriter string(String s) {
        return bytes(s.getBytes(StandardCharsets.UTF_8));
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    private void ensure(int n) {
        if (size + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
        }
    }
}
