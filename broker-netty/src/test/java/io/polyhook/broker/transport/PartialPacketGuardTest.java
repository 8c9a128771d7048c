package io.polyhook.broker.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import io.polyhook.broker.session.ByteBudget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The partial-packet clock and budget on an {@link EmbeddedChannel} whose time only moves when told. */
class PartialPacketGuardTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private final List<EmbeddedChannel> channels = new ArrayList<>();
    private final MockTicker ticker = Ticker.newMockTicker();

    @AfterEach
    void tearDown() {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    /** arrival → [between] → framing → a sink that keeps nothing. */
    private EmbeddedChannel channel(ByteBudget budget, ChannelInboundHandlerAdapter between) {
        PartialPacketGuard guard = new PartialPacketGuard(TIMEOUT, budget);
        EmbeddedChannel ch = EmbeddedChannel.builder().ticker(ticker)
                .handlers(guard.arrival(), between, guard.framing(), new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ReferenceCountUtil.release(msg);
                    }
                }).build();
        channels.add(ch);
        return ch;
    }

    private EmbeddedChannel channel(ByteBudget budget) {
        return channel(budget, new ChannelInboundHandlerAdapter());
    }

    /** The start of a QoS 0 PUBLISH announcing {@code remaining} bytes, with {@code sent} of them. */
    private static ByteBuf publishStart(int remaining, int sent) {
        ByteBuf b = Unpooled.buffer();
        b.writeByte(0x30);
        writeLength(b, remaining);
        b.writeZero(sent);
        return b;
    }

    private static void writeLength(ByteBuf b, int n) {
        do {
            int digit = n % 128;
            n /= 128;
            b.writeByte(n > 0 ? digit | 0x80 : digit);
        } while (n > 0);
    }

    private void advance(EmbeddedChannel ch, long seconds) {
        ticker.advance(seconds, TimeUnit.SECONDS);
        ch.runPendingTasks();
    }

    @Test
    void aPacketLeftUnfinishedClosesTheConnectionAtTheTimeout() {
        EmbeddedChannel ch = channel(ByteBudget.unbounded());
        ch.writeInbound(publishStart(261_000, 1000));
        advance(ch, 59);
        assertThat(ch.isOpen()).isTrue();
        ch.writeInbound(Unpooled.buffer().writeZero(1000));
        advance(ch, 2);
        assertThat(ch.isOpen()).as("more bytes of the same packet do not restart the clock").isFalse();
    }

    @Test
    void aClientThatKeepsFinishingPacketsIsNeverClosedEvenWhenEveryReadEndsInsideOne() {
        EmbeddedChannel ch = channel(ByteBudget.unbounded());
        ch.writeInbound(publishStart(100, 50));
        for (int i = 0; i < 10; i++) {
            advance(ch, 50);
            // The rest of one packet and the start of the next, in one read.
            ByteBuf read = Unpooled.buffer().writeZero(50);
            read.writeBytes(publishStart(100, 50));
            ch.writeInbound(read);
        }
        assertThat(ch.isOpen()).isTrue();
        ch.writeInbound(Unpooled.buffer().writeZero(50));
        advance(ch, 3600);
        assertThat(ch.isOpen()).as("between packets no clock runs (keep-alive's business)").isTrue();
    }

    @Test
    void timeWhileTheBrokerIsNotReadingDoesNotCount() {
        EmbeddedChannel ch = channel(ByteBudget.unbounded());
        ch.writeInbound(publishStart(1000, 10));
        ch.config().setAutoRead(false);
        advance(ch, 600);
        assertThat(ch.isOpen()).isTrue();
        ch.config().setAutoRead(true);
        advance(ch, 59);
        assertThat(ch.isOpen()).isTrue();
        advance(ch, 2);
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void bytesHeldBelowTheMqttLayerCountToo() {
        // A TLS record or WebSocket frame not yet whole: nothing reaches the MQTT framing.
        EmbeddedChannel ch = channel(ByteBudget.unbounded(), new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ReferenceCountUtil.release(msg);
            }
        });
        ch.writeInbound(Unpooled.buffer().writeZero(100));
        advance(ch, 61);
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void unfinishedPacketsOfAllConnectionsShareOneBudget() {
        ByteBudget budget = new ByteBudget(150_000);
        EmbeddedChannel first = channel(budget);
        EmbeddedChannel second = channel(budget);
        first.writeInbound(publishStart(100_000, 10));
        assertThat(first.isOpen()).isTrue();
        assertThat(budget.used()).isGreaterThanOrEqualTo(100_000);
        second.writeInbound(publishStart(100_000, 10));
        assertThat(second.isOpen()).as("past the total").isFalse();
        first.writeInbound(Unpooled.buffer().writeZero(100_000 - 10));
        assertThat(budget.used()).as("a finished packet gives its bytes back").isZero();
        first.writeInbound(publishStart(100_000, 10));
        first.close();
        assertThat(budget.used()).as("so does a closed connection").isZero();
    }
}
