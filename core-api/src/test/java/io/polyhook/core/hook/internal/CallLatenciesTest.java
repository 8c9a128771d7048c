package io.polyhook.core.hook.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

class CallLatenciesTest {

    @ParameterizedTest(name = "{0} ns goes into the Prometheus bucket of bound {1}")
    @CsvSource(textBlock = """
            -5,           0
            0,            0
            10000,        0
            10001,        1
            25000,        1
            25001,        2
            1000000,      6
            1000001,      7
            10000000000, 18
            10000000001, 19
            """)
    void aDurationCountsInTheFirstBucketWhoseBoundItDoesNotExceed(long nanos, int bucket) {
        CallLatencies l = new CallLatencies();
        l.record(nanos);
        LatencyBuckets.Counts c = l.summary().buckets();
        assertThat(c.perBucket().get(bucket)).isEqualTo(1);
        assertThat(c.count()).isEqualTo(1);
    }

    @Test
    void countsAreCumulativeByBoundAndTheSumIsInSeconds() {
        CallLatencies l = new CallLatencies();
        l.record(20_000);      // 20 µs
        l.record(700_000);     // 0.7 ms
        l.record(3_000_000);   // 3 ms
        LatencyBuckets.Counts c = l.summary().buckets();

        assertThat(c.cumulative(LatencyBuckets.UPPER_BOUNDS_SECONDS.indexOf(0.001))).isEqualTo(2);
        assertThat(c.cumulative(LatencyBuckets.UPPER_BOUNDS_SECONDS.indexOf(0.005))).isEqualTo(3);
        assertThat(c.sumSeconds()).isCloseTo(0.00372, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(LatencyBuckets.Counts.EMPTY.count()).isZero();
    }

    @Test
    void oneRecordingGivesThePercentilesOfALatencyHistogramAndTheBucketsOfTheBoundsAlike() {
        CallLatencies l = new CallLatencies();
        LatencyHistogram percentiles = new LatencyHistogram();
        long[] byBound = new long[LatencyBuckets.UPPER_BOUNDS_SECONDS.size() + 1];
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < 100_000; i++) {
            // Every bound and its neighbours, and durations spread from nanoseconds to a minute.
            long v = i < 3 * 19 ? LatencyBuckets.upperBoundNanos(i / 3) + i % 3 - 1
                    : (long) Math.pow(10, random.nextDouble(0, 10.8));
            l.record(v);
            percentiles.record(v);
            byBound[LatencyBuckets.bucketOf(v)]++;
        }
        CallLatencies.Summary s = l.summary();

        assertThat(s.count()).isEqualTo(percentiles.count());
        assertThat(s.meanNanos()).isEqualTo(percentiles.meanNanos());
        assertThat(s.p50Nanos()).isEqualTo(percentiles.percentileNanos(0.5));
        assertThat(s.p99Nanos()).isEqualTo(percentiles.percentileNanos(0.99));
        assertThat(s.buckets().perBucket()).containsExactly(java.util.Arrays.stream(byBound).boxed().toArray(Long[]::new));
    }

    @Test
    void nothingRecordedReportsZero() {
        CallLatencies.Summary s = new CallLatencies().summary();

        assertThat(s.count()).isZero();
        assertThat(s.meanNanos()).isZero();
        assertThat(s.p99Nanos()).isZero();
        assertThat(s.buckets()).isEqualTo(LatencyBuckets.Counts.EMPTY);
    }
}
