package io.polyhook.broker.store;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The store's latency histogram, as the broker's metrics will read it. */
class LatencyHistogramTest {

    @Test
    void latencyQuantilesAreBucketUpperBounds() {
        LatencyHistogram h = new LatencyHistogram();
        for (int i = 0; i < 90; i++) {
            h.record(3_000); // 3 µs: the bucket below 4 µs
        }
        for (int i = 0; i < 10; i++) {
            h.record(5_000_000); // 5 ms: the bucket below 8192 µs
        }
        LatencyHistogram.Snapshot s = h.snapshot();
        assertThat(s.count()).isEqualTo(100);
        assertThat(s.quantileMicros(0.5)).isEqualTo(4);
        assertThat(s.quantileMicros(0.99)).isEqualTo(8192);
        assertThat(s.maxNanos()).isEqualTo(5_000_000);
        assertThat(s.meanMicros()).isEqualTo((90 * 3.0 + 10 * 5000.0) / 100);
        assertThat(new LatencyHistogram().snapshot().quantileMicros(0.99)).isZero();
    }
}
