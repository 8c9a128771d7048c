package io.polyhook.broker.connection;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.EventExecutor;
import io.polyhook.broker.config.BrokerSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The count of connections per event loop, and when a loop may take one more by a move. */
class LoopPlacementTest {

    private final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(4, NioIoHandler.newFactory());
    private final MultiThreadIoEventLoopGroup other = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final List<EventExecutor> loops = new ArrayList<>();
    private final LoopPlacement placement = new LoopPlacement();

    LoopPlacementTest() {
        group.forEach(loops::add);
    }

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        other.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    private void open(int loop, int connections) {
        for (int i = 0; i < connections; i++) {
            placement.opened(loops.get(loop));
        }
    }

    @ParameterizedTest(name = "[{0},{1},{2},{3}] connections: loop 0 -> loop 1 {4}")
    @CsvSource({
            // the 1->1 pair: both on one loop is within the fair share plus one
            "1, 1, 0, 0, true",
            // 100 pairs spread evenly: a loop one above its share of 50 takes no more
            "50, 51, 50, 49, false",
            "50, 50, 50, 50, true",
            // a fan-out of 50 subscribers plus its publisher: the publisher's loop takes one more, not all
            "13, 13, 13, 12, true",
            "12, 14, 13, 12, false",
    })
    void aLoopTakesAMoveWhileAtMostOneAboveItsFairShare(int a, int b, int c, int d, boolean moves) {
        open(0, a);
        open(1, b);
        open(2, c);
        open(3, d);

        assertThat(placement.reserveMove(loops.get(0), loops.get(1))).isEqualTo(moves);
        assertThat(placement.count(loops.get(0))).isEqualTo(moves ? a - 1 : a);
        assertThat(placement.count(loops.get(1))).isEqualTo(moves ? b + 1 : b);
    }

    @Test
    void noMoveToAnotherGroup() {
        open(0, 1);

        assertThat(placement.reserveMove(loops.get(0), other.next())).isFalse();
        assertThat(placement.count(loops.get(0))).isEqualTo(1);
    }

    @Test
    void aConnectionIsCountedOnItsLoopUntilItCloses() {
        try (EmbeddedCore core = new EmbeddedCore(BrokerSettings.DEFAULT.withAllowAnonymous(true))) {
            EmbeddedChannel ch = core.channel();
            assertThat(core.connections.placement.count(ch.eventLoop())).isEqualTo(1);

            ch.close().syncUninterruptibly();

            assertThat(core.connections.placement.count(ch.eventLoop())).isZero();
        }
    }
}
