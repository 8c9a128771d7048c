package io.polyhook.core.hook.internal;

import io.polyhook.core.hook.HandlerOrigin;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HandlerStatsTest {

    @Test
    void everyCallCountsOnceWhetherTimedUntimedOrTimedOutAndOnlyTimedOnesHaveALatency() {
        HandlerStats stats = new HandlerStats(HandlerOrigin.plugin("p"), "auth_on_publish");
        stats.recordCall(20_000);
        stats.recordCall(40_000);
        stats.recordUntimedCall();
        stats.recordTimeout();
        stats.recordError();

        HandlerStats.Snapshot s = stats.snapshot();

        assertThat(s.calls()).isEqualTo(4);
        assertThat(s.timeouts()).isEqualTo(1);
        assertThat(s.errors()).isEqualTo(1);
        assertThat(s.latency().count()).isEqualTo(2);
        assertThat(s.meanMicros()).isEqualTo(30.0);
        assertThat(s.latency().sumSeconds()).isCloseTo(0.00006, org.assertj.core.data.Offset.offset(1e-12));
    }
}
