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
 *
 * @since 0.1
 */
public final class Bytes {

    /**
     * The empty byte sequence.
     *
     * @since 0.1
     */
    public static final Bytes EMPTY = new Bytes(new byte[0]);

    private final byte[] bytes;

    private Bytes(byte[] bytes) {
        this.bytes = bytes;
    }

    /**
     * Returns a {@code Bytes} holding a copy of {@code bytes}.
     *
     * @since 0.1
     */
    public static Bytes copyOf(byte[] bytes) {
        return bytes.length == 0 ? EMPTY : new Bytes(bytes.clone());
    }

    /**
     * Returns a {@code Bytes} that takes ownership of {@code bytes} without copying. The caller
     * must not change the array afterwards; use it for buffers nobody else holds.
     *
     * @since 0.1
     */
    public static Bytes wrap(byte[] bytes) {
        return bytes.length == 0 ? EMPTY : new Bytes(bytes);
    }

    /**
     * Returns the UTF-8 encoding of {@code text}.
     *
     * @since 0.1
     */
    public static Bytes utf8(String text) {
        return wrap(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The number of bytes.
     *
     * @since 0.1
     */
    public int size() {
        return bytes.length;
    }

    /**
     * Whether there are no bytes.
     *
     * @since 0.1
     */
    public boolean isEmpty() {
        return bytes.length == 0;
    }

    /**
     * Returns the byte at {@code index}.
     *
     * @since 0.1
     */
    public byte byteAt(int index) {
        return bytes[index];
    }

    /**
     * Returns a fresh copy of the bytes.
     *
     * @since 0.1
     */
    public byte[] toByteArray() {
        return bytes.clone();
    }

    /**
     * Returns a read-only view of the bytes, positioned at 0; no copy is made.
     *
     * @since 0.1
     */
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
     * @since 0.1
     */
    public void writeTo(OutputStream out) throws IOException {
        out.write(bytes, 0, bytes.length);
    }

    /**
     * Decodes the bytes as UTF-8 (malformed input is replaced, never thrown).
     *
     * @since 0.1
     */
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

    /**
     * Shows the length only, never the content.
     *
     * @since 0.1
     */
    @Override
    public String toString() {
        return "Bytes[" + bytes.length + "]";
    }
}
