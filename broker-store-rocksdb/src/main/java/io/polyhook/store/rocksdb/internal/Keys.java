package io.polyhook.store.rocksdb.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The keys of the store, all big-endian so that RocksDB's byte order is number order. Records
 * of a session start with its session number (8 bytes), assigned when the session is first
 * stored: a session's records are one key range per column family, removed with one range
 * delete, and a queue key is (session, sequence), 16 bytes. Retained messages and kv entries
 * start with their mountpoint or table name, length-prefixed so that no name is a prefix of
 * another's range.
 */
public final class Keys {

    private Keys() {
    }

    /** The key of a session's record (and of its will): its number. */
    public static byte[] session(long no) {
        return putLong(new byte[8], 0, no);
    }

    /** The start of the next session's range: the end of {@code no}'s, exclusive. */
    public static byte[] sessionEnd(long no) {
        return session(no + 1);
    }

    /** The session number a per-session key starts with. */
    public static long sessionOf(byte[] key) {
        return getLong(key, 0);
    }

    /** A queued message: (session, sequence). */
    public static byte[] queued(long no, long seq) {
        return putLong(putLong(new byte[16], 0, no), 8, seq);
    }

    /** The sequence number of a queue key. */
    public static long seqOf(byte[] key) {
        return getLong(key, 8);
    }

    /** A key of a session followed by a packet id (in-flight entries, inbound QoS 2 ids). */
    public static byte[] packet(long no, int packetId) {
        byte[] k = putLong(new byte[10], 0, no);
        k[8] = (byte) (packetId >>> 8);
        k[9] = (byte) packetId;
        return k;
    }

    /** The packet id of a {@link #packet} key. */
    public static int packetIdOf(byte[] key) {
        return ((key[8] & 0xFF) << 8) | (key[9] & 0xFF);
    }

    /** A subscription: (session, filter). */
    public static byte[] subscription(long no, String filter) {
        byte[] f = filter.getBytes(StandardCharsets.UTF_8);
        byte[] k = putLong(new byte[8 + f.length], 0, no);
        System.arraycopy(f, 0, k, 8, f.length);
        return k;
    }

    /** The filter of a subscription key. */
    public static String filterOf(byte[] key) {
        return new String(key, 8, key.length - 8, StandardCharsets.UTF_8);
    }

    /** The queue-size counters of a session: messages ('n') and bytes ('b'). */
    public static byte[] counter(long no, char which) {
        byte[] k = putLong(new byte[9], 0, no);
        k[8] = (byte) which;
        return k;
    }

    /** A named key: (u16 length of {@code name}, name, rest); retained (mountpoint, topic), kv (table, key). */
    public static byte[] named(String name, String rest) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        byte[] r = rest.getBytes(StandardCharsets.UTF_8);
        if (n.length > 0xFFFF) {
            throw new IllegalArgumentException("name longer than 65535 bytes");
        }
        byte[] k = new byte[2 + n.length + r.length];
        k[0] = (byte) (n.length >>> 8);
        k[1] = (byte) n.length;
        System.arraycopy(n, 0, k, 2, n.length);
        System.arraycopy(r, 0, k, 2 + n.length, r.length);
        return k;
    }

    /** The name of a {@link #named} key. */
    public static String nameOf(byte[] key) {
        int n = ((key[0] & 0xFF) << 8) | (key[1] & 0xFF);
        return new String(key, 2, n, StandardCharsets.UTF_8);
    }

    /** The rest of a {@link #named} key after its name. */
    public static String restOf(byte[] key) {
        int n = ((key[0] & 0xFF) << 8) | (key[1] & 0xFF);
        return new String(key, 2 + n, key.length - 2 - n, StandardCharsets.UTF_8);
    }

    /**
     * The smallest key above every key that starts with {@code prefix}, or null if there is none
     * (a prefix of 0xFF bytes only): the exclusive upper bound of a prefix scan.
     */
    public static byte[] prefixEnd(byte[] prefix) {
        int i = prefix.length - 1;
        while (i >= 0 && prefix[i] == (byte) 0xFF) {
            i--;
        }
        if (i < 0) {
            return null;
        }
        byte[] end = Arrays.copyOf(prefix, i + 1);
        end[i]++;
        return end;
    }

    private static byte[] putLong(byte[] k, int at, long v) {
        for (int i = 7; i >= 0; i--) {
            k[at + i] = (byte) v;
            v >>>= 8;
        }
        return k;
    }

    private static long getLong(byte[] k, int at) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (k[at + i] & 0xFF);
        }
        return v;
    }
}
