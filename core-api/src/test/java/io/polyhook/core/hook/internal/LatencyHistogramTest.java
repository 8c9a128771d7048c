package io.polyhook.core.hook.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class LatencyHistogramTest {

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 15, 16, 17, 100, 1_000, 65_535, 1_234_567, 5_000_000_000L, Long.MAX_VALUE / 2})
    void aValueFallsInABucketWhoseUpperBoundIsWithinSixPercent(long value) {
        long upper = LatencyHistogram.upperBound(LatencyHistogram.bucket(value));

        assertThat(upper).isGreaterThanOrEqualTo(value);
        assertThat((double) upper).isLessThanOrEqualTo(value * 1.0625 + 1);
    }

    @Test
    void percentilesComeFromTheRecordedDistribution() {
        LatencyHistogram h = new LatencyHistogram();
        for (int i = 1; i <= 1_000; i++) {
            h.record(i * 1_000L);
        }

        assertThat(h.count()).isEqualTo(1_000);
        assertThat(h.meanNanos()).isEqualTo(500_500.0);
        assertThat(h.percentileNanos(0.5)).isBetween(500_000L, 532_000L);
        assertThat(h.percentileNanos(0.99)).isBetween(990_000L, 1_052_000L);
    }

    @Test
    void anEmptyHistogramReportsZero() {
        LatencyHistogram h = new LatencyHistogram();

        assertThat(h.percentileNanos(0.99)).isZero();
        assertThat(h.meanNanos()).isZero();
    }
}
