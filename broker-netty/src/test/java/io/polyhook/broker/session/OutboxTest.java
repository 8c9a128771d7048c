package io.polyhook.broker.session;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.polyhook.broker.routing.Message;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.MqttProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OutboxTest {

    private final EmbeddedChannel ch = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
    private final ChannelHandlerContext ctx = ch.pipeline().firstContext();

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
            out.add(p.payload().toString(StandardCharsets.UTF_8) + "#" + p.variableHeader().packetId());
            p.release();
        }
        return out;
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
}
