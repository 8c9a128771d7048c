package io.polyhook.broker.connection;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import io.polyhook.broker.codec.Mqtt3EncodingTest;
import io.polyhook.broker.codec.Packets;
import io.polyhook.broker.routing.Message;
import io.polyhook.broker.session.ByteBudget;
import io.polyhook.broker.session.InFlight;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.MqttProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class OutboxTest {

    private final EmbeddedChannel ch = new EmbeddedChannel(new DecodedWrites(), new ChannelInboundHandlerAdapter());
    private final ChannelHandlerContext ctx = ch.pipeline().lastContext();

    @AfterEach
    void tearDown() {
        ch.finishAndReleaseAll();
    }

    private static Message msg(String payload, int qos) {
        return Message.of("t", qos, Bytes.utf8(payload), false, MqttProperties.EMPTY, "p");
    }

    /** Payloads of the PUBLISH packets written so far, with their packet ids. */
    private List<String> written() {
        ch.runPendingTasks();
        List<String> out = new ArrayList<>();
        Object o;
        while ((o = ch.readOutbound()) != null) {
            MqttPublishMessage p = (MqttPublishMessage) o;
            // A QoS 0 PUBLISH has no packet id: 0 as built, -1 as decoded from the shared encoding.
            out.add(p.payload().toString(StandardCharsets.UTF_8) + "#" + Math.max(0, p.variableHeader().packetId()));
            p.release();
        }
        return out;
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"PUBACK, 1", "PUBACK, 65535", "PUBREC, 300"})
    void anMqtt3AcknowledgementIsTheBytesNettysEncoderWrites(MqttMessageType type, int packetId) {
        EmbeddedChannel raw = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
        Outbox box = new Outbox(raw.pipeline().lastContext(), false, 1, 0, 10, new io.polyhook.broker.sys.BrokerStats());
        box.acknowledge(type, packetId);
        raw.runPendingTasks();
        ByteBuf ours = raw.readOutbound();
        try {
            assertThat(ByteBufUtil.getBytes(ours))
                    .isEqualTo(Mqtt3EncodingTest.nettyEncoding(Packets.pubReply(type, packetId, Packets.SUCCESS)));
        } finally {
            ours.release();
            raw.finishAndReleaseAll();
        }
    }

    @Test
    void qos1BeyondTheWindowWaitsForAnAcknowledgement() {
        Outbox box = new Outbox(ctx, false, 1, 0, 10, new io.polyhook.broker.sys.BrokerStats());
        box.send(msg("a", 1));
        box.send(msg("b", 1));
        assertThat(written()).containsExactly("a#1");
        box.acknowledged(1);
        assertThat(written()).containsExactly("b#2");
    }

    @Test
    void qos0BehindAWaitingQos1KeepsItsPlace() {
        Outbox box = new Outbox(ctx, false, 1, 0, 10, new io.polyhook.broker.sys.BrokerStats());
        box.send(msg("a", 1));
        box.send(msg("b", 1));
        box.send(msg("c", 0));
        assertThat(written()).containsExactly("a#1");
        box.acknowledged(1);
        // b takes the freed slot; c needs none and follows it at once, never before it.
        assertThat(written()).containsExactly("b#2", "c#0");
    }

    @Test
    void queueIsBoundedInBytesByDroppingTheOldest() {
        io.polyhook.broker.sys.BrokerStats stats = new io.polyhook.broker.sys.BrokerStats();
        long size = msg("a", 1).heapBytes();
        ByteBudget total = ByteBudget.unbounded();
        Outbox box = new Outbox(ctx, false, 1, 0, 100, 100, stats, BehindPolicy.DROP, new OutboxBudget(2 * size, total));
        box.send(msg("a", 1));
        box.send(msg("b", 1));
        box.send(msg("c", 1));
        box.send(msg("d", 1));
        assertThat(box.waitingCount()).isEqualTo(2);
        assertThat(box.droppedCount()).isEqualTo(1);
        assertThat(total.used()).isEqualTo(2 * size);
        written();
        box.acknowledged(1);
        assertThat(written()).containsExactly("c#2");
        assertThat(total.used()).isEqualTo(size);
    }

    @Test
    void whenEveryQueueTogetherIsFullTheNewMessageIsDroppedOrUnderDisconnectTheConsumerReported() {
        long size = msg("a", 1).heapBytes();
        ByteBudget total = new ByteBudget(size);
        Outbox dropping = new Outbox(ctx, false, 1, 0, 100, 100, new io.polyhook.broker.sys.BrokerStats(),
                BehindPolicy.DROP, new OutboxBudget(Long.MAX_VALUE, total));
        dropping.send(msg("a", 1));
        dropping.send(msg("b", 1));
        dropping.send(msg("c", 1));
        assertThat(dropping.waitingCount()).isEqualTo(1);
        assertThat(dropping.droppedCount()).isEqualTo(1);
        AtomicInteger reported = new AtomicInteger();
        Outbox disconnecting = new Outbox(ctx, false, 1, 0, 100, 100, new io.polyhook.broker.sys.BrokerStats(),
                new BehindPolicy(true, 0, reported::incrementAndGet), new OutboxBudget(Long.MAX_VALUE, total));
        disconnecting.send(msg("x", 1));
        disconnecting.send(msg("y", 1));
        assertThat(reported).hasValue(1);
        assertThat(disconnecting.takeWaiting()).extracting(m -> m.payload().toUtf8String()).containsExactly("y");
        assertThat(dropping.takeWaiting()).hasSize(1);
        assertThat(total.used()).isZero();
    }

    @Test
    void queueIsBoundedByDroppingTheOldest() {
        Outbox box = new Outbox(ctx, false, 1, 0, 2, new io.polyhook.broker.sys.BrokerStats());
        box.send(msg("a", 1));
        box.send(msg("b", 1));
        box.send(msg("c", 1));
        box.send(msg("d", 1));
        assertThat(box.waitingCount()).isEqualTo(2);
        written();
        box.acknowledged(1);
        assertThat(written()).containsExactly("c#2");
    }

    @Test
    void closingHandsBackUnacknowledgedAndQueuedQos1ButNotQos0() {
        Outbox box = new Outbox(ctx, false, 1, 0, 10, new io.polyhook.broker.sys.BrokerStats());
        box.send(msg("a", 1));
        box.send(msg("b", 0));
        box.send(msg("c", 1));
        written();
        assertThat(box.takeInFlight()).extracting(f -> f.message().payload().toUtf8String()).containsExactly("a");
        assertThat(box.takeWaiting()).extracting(m -> m.payload().toUtf8String()).containsExactly("c");
    }

    @Test
    void messageAboveTheClientsMaximumPacketSizeIsSkipped() {
        Outbox box = new Outbox(ctx, true, 10, 20, 10, new io.polyhook.broker.sys.BrokerStats());
        box.send(msg("x".repeat(50), 1));
        box.send(msg("ok", 1));
        assertThat(written()).containsExactly("ok#1");
    }

    @Test
    void aBurstIsFlushedAtTheHighWaterMarkInsteadOfQueued() {
        // Unflushed writes count against writability: a burst must not queue (and drop) behind them.
        ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(8, 16));
        Outbox box = new Outbox(ctx, false, 10, 0, 2, new io.polyhook.broker.sys.BrokerStats());
        for (int i = 0; i < 10; i++) {
            box.send(msg("m" + i, 0));
        }
        assertThat(box.waitingCount()).isZero();
        assertThat(box.droppedCount()).isZero();
        assertThat(written()).hasSize(10);
    }

    @Test
    void congestedAboveTheHighWaterMarkUntilHalfDrained() {
        Outbox box = new Outbox(ctx, false, 1, 0, 100, 4, new io.polyhook.broker.sys.BrokerStats());
        AtomicInteger relieved = new AtomicInteger();
        for (int i = 0; i < 6; i++) {
            box.send(msg("m" + i, 1));
        }
        assertThat(box.waitingCount()).isEqualTo(5);
        assertThat(box.congested()).isTrue();
        box.whenRelieved(relieved::incrementAndGet);
        box.acknowledged(1);
        box.acknowledged(2);
        assertThat(relieved).hasValue(0);
        box.acknowledged(3);
        assertThat(box.waitingCount()).isEqualTo(2);
        assertThat(box.congested()).isFalse();
        assertThat(relieved).hasValue(1);
        box.whenRelieved(relieved::incrementAndGet);
        assertThat(relieved).hasValue(2);
        assertThat(box.droppedCount()).isZero();
    }

    @Test
    void closingRelievesThePausedPublishers() {
        Outbox box = new Outbox(ctx, false, 1, 0, 100, 2, new io.polyhook.broker.sys.BrokerStats());
        for (int i = 0; i < 4; i++) {
            box.send(msg("m" + i, 1));
        }
        AtomicInteger relieved = new AtomicInteger();
        box.whenRelieved(relieved::incrementAndGet);
        assertThat(relieved).hasValue(0);
        box.takeWaiting();
        assertThat(relieved).hasValue(1);
    }

    @Test
    void underTheDisconnectPolicyAFullQueueReportsTheConsumerOnceAndKeepsTheMessage() {
        AtomicInteger reported = new AtomicInteger();
        var stats = new io.polyhook.broker.sys.BrokerStats();
        Outbox box = new Outbox(ctx, false, 1, 0, 2, 2, stats,
                new BehindPolicy(true, 0, reported::incrementAndGet));
        for (int i = 0; i < 4; i++) {
            box.send(msg("m" + i, 1));
        }
        // m0 in flight, m1 and m2 wait, m3 overflows: reported, and kept for the session.
        assertThat(reported).hasValue(1);
        assertThat(box.waitingCount()).isEqualTo(3);
        assertThat(stats.messagesDropped()).isZero();
        box.send(msg("m4", 1));
        assertThat(reported).hasValue(1);
        assertThat(box.waitingCount()).isEqualTo(3);
    }

    @Test
    void underTheDropPolicyMessagesWaitingLongerThanTheMaxDelayAreDropped() {
        MockTicker time = Ticker.newMockTicker();
        EmbeddedChannel frozen = EmbeddedChannel.builder().handlers(new DecodedWrites(), new ChannelInboundHandlerAdapter())
                .ticker(time).build();
        var stats = new io.polyhook.broker.sys.BrokerStats();
        Outbox box = new Outbox(frozen.pipeline().lastContext(), false, 1, 0, 100, 100, stats,
                new BehindPolicy(false, TimeUnit.MILLISECONDS.toNanos(20), () -> { }), OutboxBudget.unbounded(),
                time::nanoTime);
        box.send(msg("a", 1));
        box.send(msg("b", 1));
        time.advance(19, TimeUnit.MILLISECONDS);
        frozen.runScheduledPendingTasks();
        assertThat(box.waitingCount()).isEqualTo(1);
        // At 20 ms the timer finds b too old and drops it, with no message sent in between.
        time.advance(1, TimeUnit.MILLISECONDS);
        frozen.runScheduledPendingTasks();
        assertThat(box.waitingCount()).isZero();
        assertThat(stats.messagesDropped()).isEqualTo(1);
        frozen.finishAndReleaseAll();
    }

    @Test
    void whenRoomRunsOnceAtMostHalfTheHighWaterMarkWaits() {
        Outbox box = new Outbox(ctx, false, 1, 0, 100, 4, new io.polyhook.broker.sys.BrokerStats());
        for (int i = 0; i < 5; i++) {
            box.send(msg("m" + i, 1));
        }
        AtomicInteger room = new AtomicInteger();
        box.whenRoom(room::incrementAndGet);
        ch.runPendingTasks();
        assertThat(room).hasValue(0);
        box.acknowledged(1);
        box.acknowledged(2);
        ch.runPendingTasks();
        assertThat(box.waitingCount()).isEqualTo(2);
        assertThat(room).hasValue(1);
    }

    /** Topic and Topic Alias of each MQTT 5 PUBLISH written so far. */
    private List<String> topicsAndAliases() {
        ch.runPendingTasks();
        List<String> out = new ArrayList<>();
        Object o;
        while ((o = ch.readOutbound()) != null) {
            MqttPublishMessage p = (MqttPublishMessage) o;
            var alias = p.variableHeader().properties().getProperty(io.netty.handler.codec.mqtt.MqttProperties.TOPIC_ALIAS);
            out.add(p.variableHeader().topicName() + "@" + (alias == null ? "-" : alias.value()));
            p.release();
        }
        return out;
    }

    @Test
    void anMqtt5ClientGetsATopicInFullWithItsAliasOnceThenTheAliasAlone() {
        Outbox box = new Outbox(ctx, true, 10, 0, 10, new io.polyhook.broker.sys.BrokerStats());
        box.topicAliases(1);
        for (String topic : List.of("a", "a", "b", "a")) {
            box.send(Message.of(topic, 0, Bytes.utf8("x"), false, MqttProperties.EMPTY, "p"));
        }
        // One alias allowed: "a" takes it; "b" goes in full.
        assertThat(topicsAndAliases()).containsExactly("a@1", "@1", "b@-", "@1");
    }

    @Test
    void noTopicAliasesWithoutAMaximum() {
        Outbox box = new Outbox(ctx, true, 10, 0, 10, new io.polyhook.broker.sys.BrokerStats());
        box.topicAliases(0);
        box.send(Message.of("a", 0, Bytes.utf8("x"), false, MqttProperties.EMPTY, "p"));
        box.send(Message.of("a", 0, Bytes.utf8("x"), false, MqttProperties.EMPTY, "p"));
        assertThat(topicsAndAliases()).containsExactly("a@-", "a@-");
    }

    @Test
    void aMessageTooLargeForTheClientTakesNoAlias() {
        Outbox box = new Outbox(ctx, true, 10, 40, 10, new io.polyhook.broker.sys.BrokerStats());
        box.topicAliases(1);
        box.send(Message.of("big", 0, Bytes.utf8("x".repeat(100)), false, MqttProperties.EMPTY, "p"));
        box.send(Message.of("small", 0, Bytes.utf8("x"), false, MqttProperties.EMPTY, "p"));
        box.send(Message.of("small", 0, Bytes.utf8("x"), false, MqttProperties.EMPTY, "p"));
        assertThat(topicsAndAliases()).containsExactly("small@1", "@1");
    }

    @Test
    void whileATakeoverAwaitsTheOldConnectionsInFlightMessagesNothingNewGoesOutAndTheyKeepTheirPacketIds() {
        Outbox box = new Outbox(ctx, false, 10, 0, 10, new io.polyhook.broker.sys.BrokerStats());
        HandoverWait wait = new HandoverWait(ctx, 10);
        box.handover(wait);
        wait.await(5_000, () -> { });
        box.send(msg("new", 2));
        assertThat(written()).isEmpty();

        wait.arrived();
        box.resend(List.of(new InFlight(1, msg("old", 2), false)));
        box.pump();

        assertThat(written()).containsExactly("old#1", "new#2");
    }
}
