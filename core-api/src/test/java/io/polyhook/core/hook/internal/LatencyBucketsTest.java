package io.polyhook.core.hook.internal;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LatencyBucketsTest {

    @ParameterizedTest(name = "{0} ns goes into the bucket of bound {1}")
    @CsvSource(textBlock = """
            -5,           0
            0,            0
            10000,        0
            10001,        1
            1000000,      6
            1000001,      7
            10000000000, 18
            10000000001, 19
            """)
    void aDurationCountsInTheFirstBucketWhoseBoundItDoesNotExceed(long nanos, int bucket) {
        LatencyBuckets b = new LatencyBuckets();
        b.record(nanos);
        LatencyBuckets.Counts c = b.snapshot();
        assertThat(c.perBucket().get(bucket)).isEqualTo(1);
        assertThat(c.count()).isEqualTo(1);
    }

    @Test
    void countsAreCumulativeByBoundAndTheSumIsInSeconds() {
        LatencyBuckets b = new LatencyBuckets();
        b.record(20_000);      // 20 µs
        b.record(700_000);     // 0.7 ms
        b.record(3_000_000);   // 3 ms
        LatencyBuckets.Counts c = b.snapshot();

        assertThat(c.cumulative(LatencyBuckets.UPPER_BOUNDS_SECONDS.indexOf(0.001))).isEqualTo(2);
        assertThat(c.cumulative(LatencyBuckets.UPPER_BOUNDS_SECONDS.indexOf(0.005))).isEqualTo(3);
        assertThat(c.sumSeconds()).isCloseTo(0.00372, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(LatencyBuckets.Counts.EMPTY.count()).isZero();
    }
}
