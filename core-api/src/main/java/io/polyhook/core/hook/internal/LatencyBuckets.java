package io.polyhook.core.hook.internal;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Counts of durations by fixed upper bounds, 10 µs to 10 s in steps of 1, 2.5 and 5 per decade:
 * the buckets of a Prometheus histogram. The bounds are the same on every broker, so the buckets
 * of several nodes add up ({@code sum by (le)}), which percentiles computed per node never do.
 * The durations are recorded by {@link CallLatencies}; nothing is reset on read.
 */
public final class LatencyBuckets {

    /** The upper bounds in seconds, ascending; a last, open bucket takes everything above. */
    public static final List<Double> UPPER_BOUNDS_SECONDS = List.of(0.00001, 0.000025, 0.00005, 0.0001, 0.00025,
            0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0);

    private static final long[] BOUNDS_NANOS = UPPER_BOUNDS_SECONDS.stream()
            .mapToLong(s -> Math.round(s * 1_000_000_000L)).toArray();

    private LatencyBuckets() {
    }

    /** The bucket of a duration: the first whose bound it does not exceed; negative values count as 0. */
    static int bucketOf(long nanos) {
        int i = Arrays.binarySearch(BOUNDS_NANOS, Math.max(0, nanos));
        return i >= 0 ? i : -i - 1;
    }

    /** The upper bound of bucket {@code i} (not the last, open one) in nanoseconds. */
    static long upperBoundNanos(int i) {
        return BOUNDS_NANOS[i];
    }

    /**
     * Recorded durations by bucket.
     *
     * @param perBucket  the number of durations in each bucket (not cumulative), one per bound of
     *                   {@link #UPPER_BOUNDS_SECONDS} and a last one for those above every bound
     * @param sumSeconds the sum of every recorded duration, in seconds
     */
    public record Counts(List<Long> perBucket, double sumSeconds) {

        /** No duration recorded. */
        public static final Counts EMPTY = new Counts(Collections.nCopies(UPPER_BOUNDS_SECONDS.size() + 1, 0L), 0);

        /** Copies the counts. */
        public Counts {
            perBucket = List.copyOf(perBucket);
            if (perBucket.size() != UPPER_BOUNDS_SECONDS.size() + 1) {
                throw new IllegalArgumentException("expected " + (UPPER_BOUNDS_SECONDS.size() + 1) + " buckets, got "
                        + perBucket.size());
            }
        }

        /** The number of recorded durations. */
        public long count() {
            return perBucket.stream().mapToLong(Long::longValue).sum();
        }

        /** The number of durations at or below {@code UPPER_BOUNDS_SECONDS.get(bound)}. */
        public long cumulative(int bound) {
            long n = 0;
            for (int i = 0; i <= bound; i++) {
                n += perBucket.get(i);
            }
            return n;
        }
    }
}
