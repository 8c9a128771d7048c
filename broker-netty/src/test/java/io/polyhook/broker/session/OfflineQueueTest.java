package io.polyhook.broker.session;

import io.polyhook.broker.routing.Message;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.MqttProperties;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** An offline queue within its messages, its bytes and the broker's total. */
class OfflineQueueTest {

    private final AtomicInteger dropped = new AtomicInteger();

    private static Message msg(String name, int payloadBytes) {
        return Message.of("t/" + name, 1, Bytes.wrap(new byte[payloadBytes]), false, MqttProperties.EMPTY, "p");
    }

    @Test
    void pastItsBytesTheOldestMessagesAreDroppedAndCounted() {
        long size = msg("a", 1000).heapBytes();
        OfflineQueue<Message> q = OfflineQueue.of(ByteBudget.unbounded());
        for (String name : new String[] {"a", "b", "c", "d"}) {
            q.add(msg(name, 1000), 1000, 2 * size, dropped::incrementAndGet);
        }
        assertThat(q.takeAll()).extracting(Message::topic).containsExactly("t/c", "t/d");
        assertThat(dropped).hasValue(2);
    }

    @Test
    void aMessageLargerThanTheBoundStillFitsAnEmptyQueue() {
        OfflineQueue<Message> q = OfflineQueue.of(ByteBudget.unbounded());
        assertThat(q.add(msg("big", 10_000), 1000, 100, dropped::incrementAndGet)).isTrue();
        assertThat(q.add(msg("next", 10), 1000, 100, dropped::incrementAndGet)).isTrue();
        assertThat(q.takeAll()).extracting(Message::topic).containsExactly("t/next");
        assertThat(dropped).hasValue(1);
    }

    @Test
    void whenTheBrokersTotalIsSpentTheNewMessageIsDroppedAndTheOthersKeepTheirs() {
        long size = msg("a", 1000).heapBytes();
        ByteBudget total = new ByteBudget(3 * size);
        OfflineQueue<Message> first = OfflineQueue.of(total);
        OfflineQueue<Message> second = OfflineQueue.of(total);
        first.add(msg("a", 1000), 1000, Long.MAX_VALUE, dropped::incrementAndGet);
        first.add(msg("b", 1000), 1000, Long.MAX_VALUE, dropped::incrementAndGet);
        second.add(msg("c", 1000), 1000, Long.MAX_VALUE, dropped::incrementAndGet);
        assertThat(second.add(msg("d", 1000), 1000, Long.MAX_VALUE, dropped::incrementAndGet)).isFalse();
        assertThat(dropped).hasValue(1);
        assertThat(first.size()).isEqualTo(2);
        assertThat(total.used()).isEqualTo(3 * size);
        first.takeAll();
        assertThat(total.used()).isEqualTo(size);
        second.clear();
        assertThat(total.used()).isZero();
    }

    @Test
    void theInFlightMessagesAnOfflineSessionKeepsCountInTheTotalUntilTheNextConnectionTakesThem() {
        ByteBudget total = ByteBudget.unbounded();
        Session session = new Session(new io.polyhook.spi.SubscriberId("", "c"), total, (to, message) -> { });
        Message m = msg("a", 1000);
        session.keepInFlight(java.util.List.of(new InFlight(1, m, false), new InFlight(2, m, true)));
        assertThat(total.used()).isEqualTo(2 * m.heapBytes());
        assertThat(session.takeInFlight()).hasSize(2);
        assertThat(total.used()).isZero();
        session.keepInFlight(java.util.List.of(new InFlight(3, m, false)));
        session.discard();
        assertThat(total.used()).isZero();
    }
}
