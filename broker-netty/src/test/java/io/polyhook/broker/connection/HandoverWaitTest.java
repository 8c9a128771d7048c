package io.polyhook.broker.connection;

import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import io.polyhook.broker.routing.Message;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.MqttProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The wait of a connection that took over a live one for that connection's hand-over, on frozen
 * time: the embedded event loop runs its timer only when the test moves the clock.
 */
class HandoverWaitTest {

    private static final long MAX_WAIT_MILLIS = 5_000;

    private final MockTicker time = Ticker.newMockTicker();
    private final EmbeddedChannel ch = EmbeddedChannel.builder().ticker(time).handlers(new ChannelInboundHandlerAdapter())
            .build();
    private final HandoverWait wait = new HandoverWait(ch.pipeline().lastContext(), 2);
    private final AtomicInteger overdue = new AtomicInteger();

    @AfterEach
    void tearDown() {
        ch.finishAndReleaseAll();
    }

    private void advance(long millis) {
        time.advance(millis, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
    }

    private static Message msg(String payload) {
        return Message.of("t", 1, Bytes.utf8(payload), false, MqttProperties.EMPTY, "p");
    }

    @Test
    void withoutAHandOverTheWaitRunsOutOnceAfterItsTime() {
        wait.await(MAX_WAIT_MILLIS, overdue::incrementAndGet);

        advance(MAX_WAIT_MILLIS - 1);
        assertThat(overdue).as("before the time is up").hasValue(0);
        advance(1);
        assertThat(overdue).hasValue(1);
        advance(MAX_WAIT_MILLIS);
        assertThat(overdue).hasValue(1);
    }

    @Test
    void aHandOverStopsTheTimerSoNothingRunsOutLater() {
        wait.await(MAX_WAIT_MILLIS, overdue::incrementAndGet);
        advance(MAX_WAIT_MILLIS / 2);

        wait.arrived();

        assertThat(ch.runScheduledPendingTasks()).as("no task left on the event loop").isEqualTo(-1);
        advance(MAX_WAIT_MILLIS);
        assertThat(overdue).hasValue(0);
        assertThat(wait.state()).isEqualTo(HandoverWait.State.DONE);
    }

    @Test
    void aHandOverThatCameBeforeTheWaitStartedMeansNoWait() {
        assertThat(wait.arrived()).isEmpty();

        wait.await(MAX_WAIT_MILLIS, overdue::incrementAndGet);

        assertThat(wait.awaited()).isFalse();
        assertThat(ch.runScheduledPendingTasks()).as("no timer").isEqualTo(-1);
    }

    @Test
    void heldDeliveriesComeBackInOrderAndBeyondTheBoundTheOldestGoes() {
        wait.await(MAX_WAIT_MILLIS, overdue::incrementAndGet);

        assertThat(wait.hold(msg("a"))).isNull();
        assertThat(wait.hold(msg("b"))).isNull();
        Message dropped = wait.hold(msg("c"));

        assertThat(dropped.payload().toUtf8String()).isEqualTo("a");
        assertThat(wait.arrived()).extracting(m -> m.payload().toUtf8String()).containsExactly("b", "c");
    }

    @Test
    void aLeavingConnectionTakesWhatIsHeldAndItsTimerStops() {
        wait.await(MAX_WAIT_MILLIS, overdue::incrementAndGet);
        wait.hold(msg("a"));
        List<Message> kept = new ArrayList<>();

        wait.takeHeld(kept);

        assertThat(kept).extracting(m -> m.payload().toUtf8String()).containsExactly("a");
        assertThat(ch.runScheduledPendingTasks()).as("no task left on the event loop").isEqualTo(-1);
        advance(MAX_WAIT_MILLIS);
        assertThat(overdue).hasValue(0);
    }
}
