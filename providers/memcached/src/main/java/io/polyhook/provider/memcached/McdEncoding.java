package io.polyhook.provider.memcached;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

/**
 * How mcd, vmq_diversity's memcached client, puts a script's keys and values on the wire, so
 * that a Polyhook and a VerneMQ node can share one memcached: a key is
 * {@code base64(md5(term_to_binary(Key)))} and a value {@code term_to_binary(Value)}, where a Lua
 * string is an Erlang binary, whose external term format is {@code 131, 109, length (4 bytes,
 * big-endian), the bytes}.
 *
 * <p>So any string is a key (memcached sees 24 characters of base64), and an item written by
 * a client that does not encode its value this way is read back as it is.
 */
final class McdEncoding {

    private static final byte VERSION = (byte) 131;
    private static final byte BINARY_EXT = 109;
    private static final int HEADER = 6;

    private McdEncoding() {
    }

    /** The memcached key of {@code key}: {@code base64(md5(term_to_binary(key)))}. */
    static byte[] key(byte[] key) {
        MessageDigest md5;
        try {
            md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has MD5", e);
        }
        md5.update(header(key.length));
        md5.update(key);
        return Base64.getEncoder().encodeToString(md5.digest()).getBytes(StandardCharsets.US_ASCII);
    }

    /** The stored form of {@code value}: {@code term_to_binary(value)}. */
    static byte[] value(byte[] value) {
        byte[] stored = Arrays.copyOf(header(value.length), HEADER + value.length);
        System.arraycopy(value, 0, stored, HEADER, value.length);
        return stored;
    }

    /** The value in a stored item: {@code binary_to_term} of an encoded binary, else the item as it is. */
    static byte[] decodeValue(byte[] stored) {
        if (stored.length >= HEADER && stored[0] == VERSION && stored[1] == BINARY_EXT
                && ByteBuffer.wrap(stored, 2, 4).getInt() == stored.length - HEADER) {
            return Arrays.copyOfRange(stored, HEADER, stored.length);
        }
        return stored;
    }

    private static byte[] header(int length) {
        return ByteBuffer.allocate(HEADER).put(VERSION).put(BINARY_EXT).putInt(length).array();
    }
}
