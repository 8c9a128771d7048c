package io.polyhook.spi;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An immutable sequence of bytes: a payload, a password, correlation or authentication data.
 *
 * <p>{@link #toString()} never shows the content, only the length, so a {@code Bytes} holding a
 * password can be logged by accident without leaking it.
 */
public final class Bytes {

    /** The empty byte sequence. */
    public static final Bytes EMPTY = new Bytes(new byte[0]);

    private final byte[] bytes;

    private Bytes(byte[] bytes) {
        this.bytes = bytes;
    }

    /** Returns a {@code Bytes} holding a copy of {@code bytes}. */
    public static Bytes copyOf(byte[] bytes) {
        return bytes.length == 0 ? EMPTY : new Bytes(bytes.clone());
    }

    /**
     * Returns a {@code Bytes} that takes ownership of {@code bytes} without copying. The caller
     * must not change the array afterwards; use it for buffers nobody else holds.
     */
    public static Bytes wrap(byte[] bytes) {
        return bytes.length == 0 ? EMPTY : new Bytes(bytes);
    }

    /** Returns the UTF-8 encoding of {@code text}. */
    public static Bytes utf8(String text) {
        return wrap(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The number of bytes. */
    public int size() {
        return bytes.length;
    }

    /** Whether there are no bytes. */
    public boolean isEmpty() {
        return bytes.length == 0;
    }

    /** Returns the byte at {@code index}. */
    public byte byteAt(int index) {
        return bytes[index];
    }

    /** Returns a fresh copy of the bytes. */
    public byte[] toByteArray() {
        return bytes.clone();
    }

    /** Returns a read-only view of the bytes, positioned at 0; no copy is made. */
    public ByteBuffer asReadOnlyBuffer() {
        return ByteBuffer.wrap(bytes).asReadOnlyBuffer();
    }

    /**
     * Writes the bytes to {@code out} in one {@code out.write(array, 0, size())} call, without a
     * copy, as {@code ByteArrayOutputStream.writeTo} does: {@code out} must neither keep nor
     * change the array it is handed. The broker copies each payload into its outgoing buffer
     * this way, one copy and no view object per delivery.
     *
     * @throws IOException what {@code out} throws
     */
    public void writeTo(OutputStream out) throws IOException {
        out.write(bytes, 0, bytes.length);
    }

    /** Decodes the bytes as UTF-8 (malformed input is replaced, never thrown). */
    public String toUtf8String() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Bytes other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    /** Shows the length only, never the content. */
    @Override
    public String toString() {
        return "Bytes[" + bytes.length + "]";
    }
}
