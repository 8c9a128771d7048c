package io.polyhook.it;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.lifecycle.MqttClientDisconnectedContext;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import io.polyhook.broker.config.DeliverySettings;
import io.polyhook.spi.ChainHook;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.Plugin;
import io.polyhook.spi.PluginContext;
import io.polyhook.spi.RegisterContext;
import io.polyhook.spi.RegisterModifiers;
import io.polyhook.spi.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.polyhook.it.PublishSubscribeTest.bytes;
import static io.polyhook.it.PublishSubscribeTest.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * broker.max_msgs_per_drain_step and max_drain_time (and the register modifiers of the same
 * names): how a reconnecting persistent session receives what was queued while it was offline.
 */
@ExtendWith(NettyLeakGuard.class)
class OfflineDrainTest {

    /** Subscribes {@code id} persistently to {@code filter} at QoS 1, then goes offline. */
    private static void subscribeAndLeave(TestBroker broker, String id, String filter) {
        Mqtt5BlockingClient c = broker.v5Unconnected(id);
        c.connectWith().cleanStart(true).sessionExpiryInterval(600).send();
        c.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send();
        c.disconnect();
    }

    /** Publishes "0".."n-1" at QoS 1 to {@code topic}, pipelined, and waits for every PUBACK. */
    private static void publishNumbered(Mqtt5BlockingClient publisher, String topic, int n) {
        List<CompletableFuture<Mqtt5PublishResult>> acks = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            acks.add(publisher.toAsync().publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(bytes(Integer.toString(i)))
                    .send());
        }
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).orTimeout(60, TimeUnit.SECONDS).join();
    }

    @Test
    void aReconnectingClientGetsFiveThousandOfflineMessagesInOrderWhileAnotherClientIsServed() throws Exception {
        int n = 5_000;
        try (TestBroker broker = TestBroker.configured(TestBroker.broker(b -> b.withMaxOfflineMessages(n)
                .withDelivery(DeliverySettings.DEFAULT.withDrain(50, Duration.ZERO))))) {
            subscribeAndLeave(broker, "backlogged", "backlog");
            publishNumbered(broker.v5("publisher"), "backlog", n);
            Mqtt5BlockingClient other = broker.v5("other");
            Mqtt5BlockingClient back = broker.v5Unconnected("backlogged");
            try (var echo = other.publishes(MqttGlobalPublishFilter.ALL); var in = back.publishes(MqttGlobalPublishFilter.ALL)) {
                other.subscribeWith().topicFilter("echo/other").qos(MqttQos.AT_LEAST_ONCE).send();
                assertThat(back.connectWith().cleanStart(false).sessionExpiryInterval(600).send().isSessionPresent()).isTrue();
                // While the backlog is handed over, another client's publish round trips go on.
                for (int i = 0; i < 20; i++) {
                    other.publishWith().topic("echo/other").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("ping" + i)).send();
                    assertThat(text(echo.receive(15, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes())).isEqualTo("ping" + i);
                }
                for (int i = 0; i < n; i++) {
                    int expected = i;
                    assertThat(text(in.receive(15, TimeUnit.SECONDS).orElseThrow(
                            () -> new AssertionError("message " + expected + " of " + n + " never came")).getPayloadAsBytes()))
                            .isEqualTo(Integer.toString(i));
                }
            }
        }
    }

    @Test
    void messagesPublishedDuringTheDrainComeAfterTheBacklog() throws Exception {
        int n = 500;
        try (TestBroker broker = TestBroker.configured(TestBroker.broker(b -> b.withMaxOfflineMessages(n)
                .withDelivery(DeliverySettings.DEFAULT.withDrain(1, Duration.ZERO))))) {
            subscribeAndLeave(broker, "ordered", "seq");
            Mqtt5BlockingClient publisher = broker.v5("publisher");
            publishNumbered(publisher, "seq", n);
            Mqtt5BlockingClient back = broker.v5Unconnected("ordered");
            try (var in = back.publishes(MqttGlobalPublishFilter.ALL)) {
                back.connectWith().cleanStart(false).sessionExpiryInterval(600).send();
                publisher.publishWith().topic("seq").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("live")).send();
                for (int i = 0; i < n; i++) {
                    assertThat(text(in.receive(15, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes()))
                            .isEqualTo(Integer.toString(i));
                }
                assertThat(text(in.receive(15, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes())).isEqualTo("live");
            }
        }
    }

    @Test
    void liveMessagesBehindAStalledDrainAreBoundedByMaxOnlineMessages() throws Exception {
        try (TestBroker broker = TestBroker.configured(TestBroker.broker(b -> b.withMaxOnlineMessages(10)
                .withSys(Duration.ofSeconds(1), "node1").withDelivery(DeliverySettings.DEFAULT.withDrain(10, Duration.ZERO))))) {
            subscribeAndLeave(broker, "stalled", "pile");
            Mqtt5BlockingClient publisher = broker.v5("publisher");
            publishNumbered(publisher, "pile", 100);
            // Back, but it never acknowledges: the drain stops with its window and queue full.
            Mqtt5BlockingClient stalled = broker.v5Unconnected("stalled");
            stalled.toAsync().publishes(MqttGlobalPublishFilter.ALL, p -> { }, true);
            stalled.connectWith().cleanStart(false).sessionExpiryInterval(600).send();
            publishNumbered(publisher, "pile", 100);
            SlowConsumerTest.awaitSys(broker, "messages/dropped", v -> v > 0);
            assertThat(stalled.getState().isConnected()).isTrue();
        }
    }

    /** Gives user "stalling" a one-second drain time and drain steps of ten messages. */
    static final class DrainLimits implements Plugin {
        @Override
        public void start(PluginContext context) {
            for (ChainHook<RegisterContext, RegisterModifiers> h : List.of(Hooks.AUTH_ON_REGISTER, Hooks.AUTH_ON_REGISTER_M5)) {
                context.hooks().register(h, rc -> rc.username().filter("stalling"::equals).isPresent()
                        ? Verdict.ok(RegisterModifiers.builder()
                                .limit(RegisterModifiers.Limit.MAX_DRAIN_TIME, 1_000)
                                .limit(RegisterModifiers.Limit.MAX_MSGS_PER_DRAIN_STEP, 10).build())
                        : Verdict.ok());
            }
        }
    }

    @Test
    void aClientThatDoesNotTakeItsBacklogWithinMaxDrainTimeIsDisconnectedAndTheRestStaysQueued() throws Exception {
        int n = 500;
        try (TestBroker broker = TestBroker.configured(TestBroker.broker(b -> b.withAllowAnonymous(false)),
                new DrainLimits())) {
            subscribeAndLeave(broker, "slow-drainer", "pile");
            publishNumbered(broker.v5("publisher"), "pile", n);
            // Back, but it never acknowledges: its window fills, the drain pauses, the drain time runs out.
            CompletableFuture<MqttClientDisconnectedContext> gone = new CompletableFuture<>();
            Mqtt5BlockingClient stalled = broker.v5Builder("slow-drainer").addDisconnectedListener(gone::complete)
                    .buildBlocking();
            broker.track(stalled);
            stalled.toAsync().publishes(MqttGlobalPublishFilter.ALL, p -> { }, true);
            stalled.connectWith().cleanStart(false).sessionExpiryInterval(600).simpleAuth().username("stalling").applySimpleAuth()
                    .send();
            Throwable cause = gone.get(15, TimeUnit.SECONDS).getCause();
            assertThat(cause).isInstanceOf(Mqtt5DisconnectException.class);
            assertThat(((Mqtt5DisconnectException) cause).getMqttMessage().getReasonCode())
                    .isEqualTo(Mqtt5DisconnectReasonCode.QUOTA_EXCEEDED);
            // The next connection gets all of them, in order: the unacknowledged ones first, again. It
            // reconnects at once, possibly while the broker is still taking the session back from the
            // first one (LeaveWhileAttachingTest forces that interleaving).
            Mqtt5BlockingClient back = broker.v5Unconnected("slow-drainer");
            try (var in = back.publishes(MqttGlobalPublishFilter.ALL)) {
                back.connectWith().cleanStart(false).sessionExpiryInterval(600).send();
                for (int i = 0; i < n; i++) {
                    int expected = i;
                    assertThat(text(in.receive(15, TimeUnit.SECONDS).orElseThrow(
                            () -> new AssertionError("message " + expected + " of " + n + " never came")).getPayloadAsBytes()))
                            .isEqualTo(Integer.toString(i));
                }
            }
        }
    }
}
