package io.polyhook.core.hook.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The latencies of one handler's calls, recorded once per call and read two ways: as percentiles
 * (the log-linear buckets of {@link LatencyHistogram}, within about 6 %) for the admin API, and as
 * the fixed buckets of {@link LatencyBuckets} for Prometheus. A call is one atomic increment of
 * one cell and one addition to the sum, where a {@link LatencyHistogram} and a
 * {@link LatencyBuckets} side by side took five atomic operations: this runs for every hook call
 * on the message path, from every client's lane at once.
 *
 * <p>The cells are the log-linear buckets, each split in two where a Prometheus bound falls inside
 * it (the bounds are at least twice apart, a log-linear bucket at most 1/16 wide: never two bounds
 * in one), so every cell lies in exactly one bucket of either kind and both views are exact sums
 * of cells.
 */
final class CallLatencies {

    private static final int FINE = LatencyHistogram.bucket(Long.MAX_VALUE) + 1;
    // For each log-linear bucket: its first cell, and the value above which a duration goes to
    // the cell after it (Long.MAX_VALUE when no Prometheus bound splits the bucket).
    private static final int[] FIRST_CELL = new int[FINE];
    private static final long[] SPLIT = new long[FINE];
    // For each cell: its log-linear bucket and its Prometheus bucket.
    private static final int[] FINE_OF_CELL;
    private static final int[] BUCKET_OF_CELL;

    static {
        List<int[]> cells = new ArrayList<>();
        for (int f = 0; f < FINE; f++) {
            long lowest = f == 0 ? 0 : LatencyHistogram.upperBound(f - 1) + 1;
            int low = LatencyBuckets.bucketOf(lowest);
            int high = LatencyBuckets.bucketOf(LatencyHistogram.upperBound(f));
            if (high - low > 1) {
                throw new IllegalStateException("two Prometheus bounds in the log-linear bucket " + f);
            }
            FIRST_CELL[f] = cells.size();
            cells.add(new int[] {f, low});
            SPLIT[f] = Long.MAX_VALUE;
            if (high != low) {
                SPLIT[f] = LatencyBuckets.upperBoundNanos(low);
                cells.add(new int[] {f, high});
            }
        }
        FINE_OF_CELL = cells.stream().mapToInt(c -> c[0]).toArray();
        BUCKET_OF_CELL = cells.stream().mapToInt(c -> c[1]).toArray();
    }

    private final AtomicLongArray counts = new AtomicLongArray(FINE_OF_CELL.length);
    private final LongAdder sumNanos = new LongAdder();

    /** Records one duration; negative values count as 0. */
    void record(long nanos) {
        long v = Math.max(0, nanos);
        int f = LatencyHistogram.bucket(v);
        counts.incrementAndGet(v > SPLIT[f] ? FIRST_CELL[f] + 1 : FIRST_CELL[f]);
        sumNanos.add(v);
    }

    /** The durations recorded so far, read cell by cell (not atomically across cells). */
    Summary summary() {
        long[] fine = new long[FINE];
        List<Long> buckets = new ArrayList<>(LatencyBuckets.UPPER_BOUNDS_SECONDS.size() + 1);
        for (int i = 0; i <= LatencyBuckets.UPPER_BOUNDS_SECONDS.size(); i++) {
            buckets.add(0L);
        }
        long total = 0;
        for (int c = 0; c < FINE_OF_CELL.length; c++) {
            long n = counts.get(c);
            if (n != 0) {
                fine[FINE_OF_CELL[c]] += n;
                buckets.set(BUCKET_OF_CELL[c], buckets.get(BUCKET_OF_CELL[c]) + n);
                total += n;
            }
        }
        long sum = sumNanos.sum();
        return new Summary(total, total == 0 ? 0 : (double) sum / total, percentile(fine, total, 0.5),
                percentile(fine, total, 0.99), new LatencyBuckets.Counts(buckets, sum / 1e9));
    }

    /** As {@link LatencyHistogram#percentileNanos}: the upper bound of the bucket holding the rank. */
    private static long percentile(long[] fine, long total, double quantile) {
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(quantile * total));
        long seen = 0;
        for (int f = 0; f < fine.length; f++) {
            seen += fine[f];
            if (seen >= rank) {
                return LatencyHistogram.upperBound(f);
            }
        }
        return LatencyHistogram.upperBound(fine.length - 1);
    }

    /**
     * The recorded durations at one moment.
     *
     * @param count     how many
     * @param meanNanos their mean, 0 when none
     * @param p50Nanos  the median, as the upper bound of its log-linear bucket
     * @param p99Nanos  the 99th percentile, the same way
     * @param buckets   by Prometheus bucket, with their sum
     */
    record Summary(long count, double meanNanos, long p50Nanos, long p99Nanos, LatencyBuckets.Counts buckets) {
    }
}
