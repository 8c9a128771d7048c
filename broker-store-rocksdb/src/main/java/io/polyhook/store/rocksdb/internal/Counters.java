package io.polyhook.store.rocksdb.internal;

/**
 * The values of the queue-size counters: RocksDB's {@code uint64add} merge operator adds 8-byte
 * little-endian numbers, so a delta of -1 is written as 2^64-1 and the sum wraps to the right value.
 */
final class Counters {

    private Counters() {
    }

    /** The merge operand that adds {@code delta}. */
    static byte[] delta(long delta) {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (delta >>> (8 * i));
        }
        return b;
    }

    /** The value of a counter as RocksDB merged it. */
    static long value(byte[] b) {
        if (b.length != 8) {
            throw new CorruptRecordException("queue counter of " + b.length + " bytes");
        }
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (b[i] & 0xFF);
        }
        return v;
    }
}
