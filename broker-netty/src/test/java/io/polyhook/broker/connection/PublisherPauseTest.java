package io.polyhook.broker.connection;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The budget of the time a subscriber may keep its publishers paused, on a clock the test moves. */
class PublisherPauseTest {

    private long now;
    private final PublisherPause pause = new PublisherPause(() -> now);

    private void advanceMillis(long millis) {
        now += TimeUnit.MILLISECONDS.toNanos(millis);
    }

    @Test
    void aSubscriberCongestedWithoutABreakShedsOnceItsBudgetIsSpent() {
        pause.congest();
        // Past the first 50 ms, spends one second and earns half of one back each second: 5 s of
        // budget last 10.1 s.
        for (int ms = 100; ms < 10_100; ms += 100) {
            advanceMillis(100);
            assertThat(pause.congest()).as("%d ms congested", ms).isFalse();
            assertThat(pause.state()).isEqualTo(PublisherPause.State.CONGESTED);
        }
        advanceMillis(100);
        assertThat(pause.congest()).as("10.1 s congested").isTrue();
        assertThat(pause.state()).isEqualTo(PublisherPause.State.SHEDDING);
        assertThat(pause.congested()).isFalse();
    }

    @Test
    void thePublishersPausedWhenTheBudgetIsSpentResume() {
        AtomicInteger resumed = new AtomicInteger();
        pause.congest();
        pause.whenRelieved(resumed::incrementAndGet);
        advanceMillis(10_100);
        pause.congest();
        assertThat(resumed).hasValue(1);
        pause.whenRelieved(resumed::incrementAndGet);
        assertThat(resumed).as("a shedding subscriber pauses no one").hasValue(2);
    }

    /**
     * Congested for {@code congestedMs}, then caught up for {@code flowingMs}, over and over for
     * ten minutes: whether it sheds, and after how many whole cycles.
     */
    @ParameterizedTest(name = "{0} ms congested, {1} ms flowing: sheds in cycle {2}")
    @CsvSource({
            // Half of its time or less: never (-1).
            "500, 500, -1",
            "100, 900, -1",
            "5000, 5000, -1",
            // Flow control: each congestion drains within the grace, so none costs anything.
            "40, 10, -1",
            // Congested 60 % of the time: spends 0.55 s a cycle past the grace and earns 0.5, so
            // 0.05 s net, until less than one congested phase's net spend is left: in the 96th.
            "600, 400, 96",
            // 90 %: 0.85 s spent, 0.5 earned, 0.35 s net a cycle: in the 15th.
            "900, 100, 15",
            // Longer than 10.1 s in one go sheds in the first cycle, whatever came before.
            "10500, 60000, 1",
    })
    void aSubscriberMayPauseHalfOfItsTimeForEver(long congestedMs, long flowingMs, int shedsInCycle) {
        int cycle = 0;
        int shedIn = -1;
        while (now < TimeUnit.MINUTES.toNanos(10) && shedIn < 0) {
            cycle++;
            pause.congest();
            for (long t = 0; t < congestedMs && shedIn < 0; t += 100) {
                advanceMillis(Math.min(100, congestedMs - t));
                if (pause.congest()) {
                    shedIn = cycle;
                }
            }
            pause.relieve();
            advanceMillis(flowingMs);
        }
        assertThat(shedIn).isEqualTo(shedsInCycle);
    }

    @Test
    void aRelievedSubscriberPausesPublishersAgain() {
        pause.congest();
        advanceMillis(10_100);
        assertThat(pause.congest()).isTrue();
        pause.relieve();
        advanceMillis(2_000);
        pause.congest();
        assertThat(pause.congested()).as("earned one second back while it caught up").isTrue();
        advanceMillis(1_900);
        // Spent 1.85 s past the grace, earned 0.95 s: 0.1 s left.
        assertThat(pause.congest()).isFalse();
        advanceMillis(200);
        assertThat(pause.congest()).as("and spent it").isTrue();
    }
}
