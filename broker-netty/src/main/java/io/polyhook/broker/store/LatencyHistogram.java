package io.polyhook.broker.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A thread-safe latency recorder with power-of-two microsecond buckets (below 1 µs, 2 µs, 4 µs …
 * about 1 s, and above): recording costs one adder increment, no allocation.
 */
public final class LatencyHistogram {

    /** The number of finite buckets: the last one ends at 2^20 µs (about 1 s). */
    private static final int FINITE = 21;

    private final LongAdder[] buckets = new LongAdder[FINITE + 1];
    private final LongAdder totalNanos = new LongAdder();
    private final AtomicLong maxNanos = new AtomicLong();

    /** An empty histogram. */
    public LatencyHistogram() {
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
    }

    /** Records one operation that took {@code nanos}. */
    public void record(long nanos) {
        long micros = Math.max(0, nanos) / 1_000;
        // Bucket i holds latencies below 2^i µs.
        int i = micros == 0 ? 0 : 64 - Long.numberOfLeadingZeros(micros);
        buckets[Math.min(i, FINITE)].increment();
        totalNanos.add(nanos);
        long max;
        while (nanos > (max = maxNanos.get()) && !maxNanos.compareAndSet(max, nanos)) {
            // Another thread raised the maximum meanwhile: compare again.
        }
    }

    /** The counts so far. */
    public Snapshot snapshot() {
        List<Long> bounds = new ArrayList<>(buckets.length);
        List<Long> counts = new ArrayList<>(buckets.length);
        long n = 0;
        for (int i = 0; i < buckets.length; i++) {
            bounds.add(i == FINITE ? Long.MAX_VALUE : 1L << i);
            long c = buckets[i].sum();
            counts.add(c);
            n += c;
        }
        return new Snapshot(bounds, counts, n, totalNanos.sum(), maxNanos.get());
    }

    /**
     * The counts of a histogram at one moment.
     *
     * @param upperBoundsMicros the exclusive upper bound of each bucket in µs ({@link Long#MAX_VALUE} for the last)
     * @param counts            the operations in each bucket
     * @param count             all operations
     * @param totalNanos        their summed duration
     * @param maxNanos          the longest one
     */
    public record Snapshot(List<Long> upperBoundsMicros, List<Long> counts, long count, long totalNanos,
                           long maxNanos) {

        /** Copies the lists. */
        public Snapshot {
            upperBoundsMicros = List.copyOf(upperBoundsMicros);
            counts = List.copyOf(counts);
        }

        /**
         * The upper bound in µs of the bucket that holds quantile {@code q} (0..1), so an upper
         * estimate; 0 when nothing was recorded.
         */
        public long quantileMicros(double q) {
            if (count == 0) {
                return 0;
            }
            long rank = (long) Math.ceil(q * count);
            long seen = 0;
            for (int i = 0; i < counts.size(); i++) {
                seen += counts.get(i);
                if (seen >= Math.max(1, rank)) {
                    long bound = upperBoundsMicros.get(i);
                    return bound == Long.MAX_VALUE ? maxNanos / 1_000 : bound;
                }
            }
            return maxNanos / 1_000;
        }

        /** The mean in µs; 0 when nothing was recorded. */
        public double meanMicros() {
            return count == 0 ? 0 : totalNanos / 1_000.0 / count;
        }
    }
}
