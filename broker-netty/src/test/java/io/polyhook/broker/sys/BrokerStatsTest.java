package io.polyhook.broker.sys;

import io.netty.util.concurrent.FastThreadLocalThread;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-message counters add up over event-loop threads (cells of their own) and other threads. */
class BrokerStatsTest {

    private static void countEverything(BrokerStats stats, int times) {
        for (int i = 0; i < times; i++) {
            stats.messageReceived();
            stats.messageSent();
            stats.messageDropped();
            stats.bytesReceived(10);
            stats.bytesSent(20);
        }
    }

    @Test
    void countsFromEventLoopAndOtherThreadsAddUp() throws Exception {
        BrokerStats stats = new BrokerStats();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            threads.add(new FastThreadLocalThread(() -> countEverything(stats, 10_000)));
        }
        threads.add(Thread.ofPlatform().unstarted(() -> countEverything(stats, 10_000)));
        threads.add(Thread.ofVirtual().unstarted(() -> countEverything(stats, 10_000)));
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }

        assertThat(stats.messagesReceived()).isEqualTo(60_000);
        assertThat(stats.messagesSent()).isEqualTo(60_000);
        assertThat(stats.messagesDropped()).isEqualTo(60_000);
        assertThat(stats.bytesReceived()).isEqualTo(600_000);
        assertThat(stats.bytesSent()).isEqualTo(1_200_000);
    }

    @Test
    void aFinishedEventLoopThreadsCountsStay() throws Exception {
        BrokerStats stats = new BrokerStats();
        Thread loop = new FastThreadLocalThread(() -> countEverything(stats, 3));
        loop.start();
        loop.join();

        assertThat(stats.messagesSent()).isEqualTo(3);
    }

    @Test
    void twoBrokersInOneThreadCountApart() {
        BrokerStats one = new BrokerStats();
        BrokerStats two = new BrokerStats();
        countEverything(one, 2);
        countEverything(two, 5);

        assertThat(one.messagesSent()).isEqualTo(2);
        assertThat(two.messagesSent()).isEqualTo(5);
    }
}
