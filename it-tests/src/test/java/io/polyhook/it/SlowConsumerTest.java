package io.polyhook.it;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.lifecycle.MqttClientDisconnectedContext;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import io.polyhook.broker.config.DeliverySettings;
import io.polyhook.broker.config.DeliverySettings.SlowConsumerPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;
import java.util.function.UnaryOperator;

import static io.polyhook.it.PublishSubscribeTest.bytes;
import static io.polyhook.it.PublishSubscribeTest.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * broker.slow_consumer_policy and slow_consumer_max_delay: a subscriber that stays behind (its
 * outgoing queue full, or its oldest waiting message too old) loses messages or is disconnected,
 * and the publisher and the other subscribers go on being served.
 */
@ExtendWith(NettyLeakGuard.class)
class SlowConsumerTest {

    private static UnaryOperator<io.polyhook.broker.config.BrokerConfig> slowConsumers(SlowConsumerPolicy policy,
                                                                                      Duration maxDelay,
                                                                                      int maxOnline) {
        return TestBroker.broker(b -> b.withMaxOnlineMessages(maxOnline).withSys(Duration.ofSeconds(1), "node1")
                .withDelivery(DeliverySettings.DEFAULT.withSlowConsumer(policy, maxDelay)));
    }

    /** A subscriber at QoS 1 that receives but never acknowledges: its window fills, then its queue. */
    private static Mqtt5BlockingClient laggard(TestBroker broker, String id, CompletableFuture<MqttClientDisconnectedContext> gone,
                                               long sessionExpiry, String filter) {
        Mqtt5BlockingClient c = broker.v5Builder(id).addDisconnectedListener(gone::complete).buildBlocking();
        c.connectWith().cleanStart(true).sessionExpiryInterval(sessionExpiry).send();
        broker.track(c);
        c.toAsync().publishes(MqttGlobalPublishFilter.ALL, p -> { }, true);
        c.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send();
        return c;
    }

    /** Waits until the retained $SYS value below {@code $SYS/node1/} satisfies {@code ok}. */
    static void awaitSys(TestBroker broker, String topic, LongPredicate ok) throws Exception {
        Mqtt5BlockingClient watcher = broker.v5("watcher-" + topic.replace('/', '-'));
        try (var in = watcher.publishes(MqttGlobalPublishFilter.ALL)) {
            watcher.subscribeWith().topicFilter("$SYS/node1/" + topic).send();
            Await.until("$SYS/node1/" + topic + " as expected", () -> {
                try {
                    var m = in.receive(1, TimeUnit.SECONDS);
                    return m.isPresent() && ok.test(Long.parseLong(text(m.get().getPayloadAsBytes())));
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
        } finally {
            watcher.disconnect();
        }
    }

    @Test
    void underTheDisconnectPolicyAFullQueueDisconnectsTheSubscriberWithQuotaExceeded() throws Exception {
        try (TestBroker broker = TestBroker.configured(slowConsumers(SlowConsumerPolicy.DISCONNECT, Duration.ZERO, 10))) {
            CompletableFuture<MqttClientDisconnectedContext> gone = new CompletableFuture<>();
            laggard(broker, "laggard", gone, 0, "jobs");
            Mqtt5BlockingClient keeper = broker.v5("keeper");
            Mqtt5BlockingClient publisher = broker.v5("publisher");
            int n = 100;
            try (var kept = keeper.publishes(MqttGlobalPublishFilter.ALL)) {
                keeper.subscribeWith().topicFilter("jobs").qos(MqttQos.AT_MOST_ONCE).send();
                for (int i = 0; i < n; i++) {
                    publisher.publishWith().topic("jobs").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("j" + i)).send();
                }
                Throwable cause = gone.get(15, TimeUnit.SECONDS).getCause();
                assertThat(cause).isInstanceOf(Mqtt5DisconnectException.class);
                assertThat(((Mqtt5DisconnectException) cause).getMqttMessage().getReasonCode())
                        .isEqualTo(Mqtt5DisconnectReasonCode.QUOTA_EXCEEDED);
                // The other subscriber got everything, and the publisher is still served.
                for (int i = 0; i < n; i++) {
                    assertThat(text(kept.receive(15, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes())).isEqualTo("j" + i);
                }
                publisher.publishWith().topic("jobs").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("after")).send();
                assertThat(text(kept.receive(15, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes())).isEqualTo("after");
            }
            awaitSys(broker, "clients/slow_disconnected", v -> v == 1);
        }
    }

    @Test
    void aDisconnectedSlowConsumersSessionKeepsItsQos1Messages() throws Exception {
        try (TestBroker broker = TestBroker.configured(slowConsumers(SlowConsumerPolicy.DISCONNECT, Duration.ZERO, 10))) {
            CompletableFuture<MqttClientDisconnectedContext> gone = new CompletableFuture<>();
            laggard(broker, "durable-laggard", gone, 600, "orders");
            Mqtt5BlockingClient publisher = broker.v5("publisher");
            int n = 100;
            for (int i = 0; i < n; i++) {
                publisher.publishWith().topic("orders").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("o" + i)).send();
            }
            gone.get(15, TimeUnit.SECONDS);
            Mqtt5BlockingClient back = broker.v5Unconnected("durable-laggard");
            Set<String> got = new HashSet<>();
            try (var in = back.publishes(MqttGlobalPublishFilter.ALL)) {
                assertThat(back.connectWith().cleanStart(false).sessionExpiryInterval(600).send().isSessionPresent()).isTrue();
                while (got.size() < n) {
                    got.add(text(in.receive(15, TimeUnit.SECONDS).orElseThrow(
                            () -> new AssertionError("only " + got.size() + " of " + n + " orders came back")).getPayloadAsBytes()));
                }
            }
            assertThat(got).hasSize(n);
        }
    }

    @Test
    void aSubscriberThatNeverReadsIsDisconnectedOnceItsOldestMessageWaitedTooLong() throws Exception {
        try (TestBroker broker = TestBroker.configured(
                slowConsumers(SlowConsumerPolicy.DISCONNECT, Duration.ofSeconds(2), 10_000));
             RawMqtt stuck = RawMqtt.open(broker.port())) {
            assertThat(stuck.connect("stuck", 4).type()).isEqualTo(2);
            // It subscribes and then never reads: its socket buffers fill up, then its queue ages.
            stuck.socket.setReceiveBufferSize(4096);
            stuck.send(RawMqtt.subscribePacket("flood", false));
            Mqtt5BlockingClient keeper = broker.v5("keeper");
            Mqtt5BlockingClient publisher = broker.v5("publisher");
            int n = 1_000;
            byte[] chunk = new byte[16 * 1024];
            try (var kept = keeper.publishes(MqttGlobalPublishFilter.ALL)) {
                keeper.subscribeWith().topicFilter("flood").qos(MqttQos.AT_MOST_ONCE).send();
                Await.until("both subscriptions are in", () -> broker.broker.subscriptionCount("") >= 2);
                for (int i = 0; i < n; i++) {
                    publisher.publishWith().topic("flood").qos(MqttQos.AT_MOST_ONCE).payload(chunk).send();
                }
                awaitSys(broker, "clients/slow_disconnected", v -> v == 1);
                for (int i = 0; i < n; i++) {
                    assertThat(kept.receive(15, TimeUnit.SECONDS)).as("message %d to the keeper", i).isPresent();
                }
            }
            // Its session (clean) is gone with the connection, and with it its subscription. (Not read
            // from the socket: through its tiny window the megabytes already buffered would crawl.)
            Await.until("only the keeper's subscription is left", () -> broker.broker.subscriptionCount("") == 1);
            assertThat(publisher.getState().isConnected()).isTrue();
        }
    }

    @Test
    void underTheDropPolicyASlowSubscriberStaysConnectedAndItsDropsAreCounted() throws Exception {
        try (TestBroker broker = TestBroker.configured(slowConsumers(SlowConsumerPolicy.DROP, Duration.ZERO, 10))) {
            CompletableFuture<MqttClientDisconnectedContext> gone = new CompletableFuture<>();
            Mqtt5BlockingClient slow = laggard(broker, "laggard", gone, 0, "jobs");
            Mqtt5BlockingClient publisher = broker.v5("publisher");
            for (int i = 0; i < 100; i++) {
                publisher.publishWith().topic("jobs").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("j" + i)).send();
            }
            awaitSys(broker, "messages/dropped", v -> v > 0);
            awaitSys(broker, "clients/slow_disconnected", v -> v == 0);
            assertThat(gone).isNotDone();
            assertThat(slow.getState().isConnected()).isTrue();
        }
    }
}
