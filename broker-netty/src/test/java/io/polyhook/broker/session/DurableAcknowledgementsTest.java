package io.polyhook.broker.session;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.util.ReferenceCountUtil;
import io.polyhook.broker.config.BrokerSettings;
import io.polyhook.broker.connection.EmbeddedCore;
import io.polyhook.broker.store.InMemoryBrokerStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The PUBACKs of a burst of QoS 1 PUBLISHes that reach a session in the durable store wait for
 * the burst's write, then leave together, in PUBLISH order, in one flush: one socket write for the
 * burst, as in memory, not one per acknowledgement.
 */
class DurableAcknowledgementsTest {

    private static final int BURST = 5;

    private final EmbeddedCore core = new EmbeddedCore(BrokerSettings.DEFAULT.withAllowAnonymous(true));
    private final InMemoryBrokerStore store = new InMemoryBrokerStore();
    private EmbeddedChannel publisher;
    private final FlushedBatches flushed = new FlushedBatches();

    @BeforeEach
    void aPersistentSubscriberAndAPublisher() throws InterruptedException {
        core.sessions.persistence(new DurableSessions(Optional.of(store)));
        core.subscribed(core.connected("stored", false), "t");
        publisher = core.connected("publisher", true);
        publisher.pipeline().addFirst(flushed);
    }

    @AfterEach
    void tearDown() {
        core.close();
        store.close();
    }

    @Test
    void theAcknowledgementsOfOneBurstLeaveInOneFlushInPublishOrder() throws InterruptedException {
        Object[] burst = new Object[BURST];
        for (int i = 0; i < BURST; i++) {
            burst[i] = MqttMessageBuilders.publish().topicName("t").qos(MqttQoS.AT_LEAST_ONCE).messageId(i + 1)
                    .payload(Unpooled.copiedBuffer("m" + i, StandardCharsets.UTF_8)).build();
        }
        // One read: every PUBLISH, then one read-complete.
        publisher.writeInbound(burst);
        List<Object> acks = core.outbound(publisher, BURST);

        assertThat(acks).extracting(DurableAcknowledgementsTest::pubAckId).containsExactly(1, 2, 3, 4, 5);
        assertThat(flushed.batches).as("packets written per flush that wrote any").containsExactly(BURST);
        assertThat(store.queueSize(new io.polyhook.spi.SubscriberId("", "stored")).messages())
                .as("every acknowledged message is in the store").isEqualTo(BURST);
        release(acks);
    }

    private static int pubAckId(Object o) {
        MqttMessage m = (MqttMessage) o;
        assertThat(m.fixedHeader().messageType()).isEqualTo(MqttMessageType.PUBACK);
        return ((MqttMessageIdVariableHeader) m.variableHeader()).messageId();
    }

    private static void release(List<Object> packets) {
        packets.forEach(ReferenceCountUtil::release);
    }

    /** The number of packets each flush wrote, for the flushes that wrote some. */
    private static final class FlushedBatches extends ChannelOutboundHandlerAdapter {
        final List<Integer> batches = new ArrayList<>();
        private int written;

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            written++;
            ctx.write(msg, promise);
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            if (written > 0) {
                batches.add(written);
                written = 0;
            }
            ctx.flush();
        }
    }
}
