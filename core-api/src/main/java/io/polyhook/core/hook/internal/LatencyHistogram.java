package io.polyhook.core.hook.internal;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * A lock-free histogram of durations in nanoseconds with log-linear buckets: 16 buckets per
 * power of two, so any percentile is within about 6 % of the true value. Recording is one
 * atomic increment; nothing is reset on read (unlike {@code vmq-admin script show}).
 */
public final class LatencyHistogram {

    private static final int SUB_BITS = 4;
    private static final int SUB = 1 << SUB_BITS;
    private static final int BUCKETS = 64 * SUB;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
    private final LongAdder sum = new LongAdder();
    private final LongAdder count = new LongAdder();

    /** Records one duration; negative values count as 0. */
    public void record(long nanos) {
        long v = Math.max(0, nanos);
        counts.incrementAndGet(bucket(v));
        sum.add(v);
        count.increment();
    }

    /** The number of recorded durations. */
    public long count() {
        return count.sum();
    }

    /** The mean in nanoseconds, 0 when empty. */
    public double meanNanos() {
        long n = count.sum();
        return n == 0 ? 0 : (double) sum.sum() / n;
    }

    /**
     * The value at {@code quantile} (0..1) in nanoseconds, reported as the upper bound of its
     * bucket; 0 when empty.
     */
    public long percentileNanos(double quantile) {
        long total = 0;
        long[] snapshot = new long[BUCKETS];
        for (int i = 0; i < BUCKETS; i++) {
            snapshot[i] = counts.get(i);
            total += snapshot[i];
        }
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(quantile * total));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += snapshot[i];
            if (seen >= rank) {
                return upperBound(i);
            }
        }
        return upperBound(BUCKETS - 1);
    }

    static int bucket(long v) {
        if (v < SUB) {
            return (int) v;
        }
        int exp = 63 - Long.numberOfLeadingZeros(v);
        int sub = (int) ((v >>> (exp - SUB_BITS)) & (SUB - 1));
        return (exp - SUB_BITS + 1) * SUB + sub;
    }

    static long upperBound(int bucket) {
        if (bucket < SUB) {
            return bucket;
        }
        int exp = bucket / SUB + SUB_BITS - 1;
        long sub = bucket % SUB;
        long base = (SUB + sub) << (exp - SUB_BITS);
        return base + (1L << (exp - SUB_BITS)) - 1;
    }
}
