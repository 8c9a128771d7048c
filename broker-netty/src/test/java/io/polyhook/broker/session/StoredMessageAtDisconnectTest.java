package io.polyhook.broker.session;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.util.ReferenceCountUtil;
import io.polyhook.broker.config.BrokerSettings;
import io.polyhook.broker.connection.EmbeddedCore;
import io.polyhook.broker.store.InMemoryBrokerStore;
import io.polyhook.core.hook.HandlerOrigin;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.DeliverModifiers;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.SubscriberId;
import io.polyhook.spi.Verdict;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A message of a stored session's queue that is on its way to the session's connection when the
 * connection goes stays in the queue once: it is not handed back to the session, which would
 * queue it a second time, so that the next connection would get it twice (a QoS 2 message too).
 * Found as duplicates in the offline fan-in of benchmarks/run-persistence.sh: messages routed
 * while the subscriber was disconnecting reached its closed connection and were queued again. And
 * a message {@code on_deliver} changed leaves the stored queue when the changed one is acknowledged.
 */
class StoredMessageAtDisconnectTest {

    private static final SubscriberId STORED = new SubscriberId("", "stored");

    private final EmbeddedCore core = new EmbeddedCore(BrokerSettings.DEFAULT.withAllowAnonymous(true));
    private final InMemoryBrokerStore store = new InMemoryBrokerStore();

    @AfterEach
    void tearDown() {
        core.close();
        store.close();
    }

    @Test
    void aMessageThatReachesTheClosedConnectionStaysQueuedOnce() throws InterruptedException {
        core.sessions.persistence(new DurableSessions(Optional.of(store)));
        // on_deliver holds the message on its way to the connection until the connection is gone.
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch goOn = new CountDownLatch(1);
        core.hooks.registrar(HandlerOrigin.plugin("test"), 0).register(Hooks.ON_DELIVER, pc -> {
            entered.countDown();
            goOn.await(30, TimeUnit.SECONDS);
            return Verdict.ok();
        });
        EmbeddedChannel subscriber = core.connected(STORED.clientId(), false);
        core.subscribed(subscriber, "t");
        EmbeddedChannel publisher = core.connected("publisher", true);

        publisher.writeInbound(MqttMessageBuilders.publish().topicName("t").qos(MqttQoS.AT_LEAST_ONCE).messageId(1)
                .payload(Unpooled.copiedBuffer("m", StandardCharsets.UTF_8)).build());
        release(core.outbound(publisher, 1));
        assertThat(entered.await(30, TimeUnit.SECONDS)).as("on its way through on_deliver").isTrue();
        subscriber.close();
        subscriber.runPendingTasks();
        goOn.countDown();
        assertThat(core.awaitHandBack(Duration.ofSeconds(30))).as("on_deliver answered the closed connection").isTrue();

        assertThat(store.queueSize(STORED).messages()).as("queued for the next connection, once").isEqualTo(1);
    }

    @Test
    void aMessageThatOnDeliverChangedLeavesTheQueueWithItsAcknowledgement() throws InterruptedException {
        core.sessions.persistence(new DurableSessions(Optional.of(store)));
        core.hooks.registrar(HandlerOrigin.plugin("test"), 0).register(Hooks.ON_DELIVER, pc -> Verdict.ok(
                DeliverModifiers.builder().payload(Bytes.utf8("changed")).build()));
        EmbeddedChannel subscriber = core.connected(STORED.clientId(), false);
        core.subscribed(subscriber, "t");
        EmbeddedChannel publisher = core.connected("publisher", true);

        publisher.writeInbound(MqttMessageBuilders.publish().topicName("t").qos(MqttQoS.AT_LEAST_ONCE).messageId(1)
                .payload(Unpooled.copiedBuffer("m", StandardCharsets.UTF_8)).build());
        release(core.outbound(publisher, 1));
        List<Object> delivered = core.outbound(subscriber, 1);
        assertThat(delivered).singleElement().isInstanceOf(MqttPublishMessage.class);
        int packetId = ((MqttPublishMessage) delivered.get(0)).variableHeader().packetId();
        release(delivered);
        subscriber.writeInbound(MqttMessageBuilders.pubAck().packetId(packetId).build());
        subscriber.runPendingTasks();
        subscriber.close();
        subscriber.runPendingTasks();

        assertThat(store.queueSize(STORED).messages()).as("acknowledged: nothing left for the next connection").isZero();
    }

    private static void release(List<Object> packets) {
        packets.forEach(ReferenceCountUtil::release);
    }
}
