package io.polyhook.it;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5UnsubAckException;
import com.hivemq.client.mqtt.mqtt5.message.unsubscribe.unsuback.Mqtt5UnsubAckReasonCode;
import io.polyhook.broker.config.NoMatch;
import io.polyhook.spi.ChainHook;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.Plugin;
import io.polyhook.spi.PluginContext;
import io.polyhook.spi.PublishContext;
import io.polyhook.spi.PublishModifiers;
import io.polyhook.spi.QueueType;
import io.polyhook.spi.RegisterContext;
import io.polyhook.spi.RegisterModifiers;
import io.polyhook.spi.Verdict;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static io.polyhook.it.PublishSubscribeTest.bytes;
import static io.polyhook.it.PublishSubscribeTest.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** auth_on_register modifiers beyond identity and permissions (vmq_diversity §1.4), per client id. */
@ExtendWith(NettyLeakGuard.class)
class RegisterModifiersTest {

    /** Gives each client id its modifiers; "throttled-*" publishes get a throttle modifier. */
    static final class ModifyingPlugin implements Plugin {
        static final Map<String, Function<RegisterModifiers.Builder, RegisterModifiers.Builder>> BY_CLIENT = Map.of(
                "no-unsub", b -> b.permission(RegisterModifiers.Permission.ALLOW_UNSUBSCRIBE, false),
                "upgraded", b -> b.upgradeQos(true),
                "short-lived", b -> b.limit(RegisterModifiers.Limit.MAX_CONNECTION_LIFETIME, 1),
                "small-queue", b -> b.limit(RegisterModifiers.Limit.MAX_OFFLINE_MESSAGES, 2),
                "lifo", b -> b.queueType(QueueType.LIFO),
                "rate-limited", b -> b.limit(RegisterModifiers.Limit.MAX_MESSAGE_RATE, 5),
                "retried", b -> b.limit(RegisterModifiers.Limit.RETRY_INTERVAL, 1));

        @Override
        public void start(PluginContext context) {
            for (ChainHook<RegisterContext, RegisterModifiers> h : List.of(Hooks.AUTH_ON_REGISTER, Hooks.AUTH_ON_REGISTER_M5)) {
                context.hooks().register(h, rc -> {
                    var change = BY_CLIENT.get(rc.clientId());
                    return change == null ? Verdict.ok() : Verdict.ok(change.apply(RegisterModifiers.builder()).build());
                });
            }
            for (ChainHook<PublishContext, PublishModifiers> h : List.of(Hooks.AUTH_ON_PUBLISH, Hooks.AUTH_ON_PUBLISH_M5)) {
                context.hooks().register(h, pc -> pc.clientId().startsWith("throttled")
                        ? Verdict.ok(PublishModifiers.builder().throttle(Duration.ofMillis(100)).build()) : Verdict.next());
            }
        }
    }

    private TestBroker broker;

    @BeforeEach
    void start() {
        // The publish handler only decides for throttled clients: no_match: allow lets the others publish.
        broker = TestBroker.configured(TestBroker.broker(b -> b.withAllowAnonymous(false).withNoMatch(NoMatch.ALLOW)),
                new ModifyingPlugin());
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    @Test
    void allowUnsubscribeFalseKeepsTheSubscription() throws Exception {
        Mqtt5BlockingClient c = broker.v5("no-unsub");
        try (var in = c.publishes(MqttGlobalPublishFilter.ALL)) {
            c.subscribeWith().topicFilter("kept").qos(MqttQos.AT_LEAST_ONCE).send();
            assertThatThrownBy(() -> c.unsubscribeWith().topicFilter("kept").send())
                    .isInstanceOfSatisfying(Mqtt5UnsubAckException.class, e -> assertThat(e.getMqttMessage().getReasonCodes())
                            .containsExactly(Mqtt5UnsubAckReasonCode.NOT_AUTHORIZED));
            broker.v5("other").publishWith().topic("kept").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("still")).send();
            assertThat(text(in.receive(15, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes())).isEqualTo("still");
        }
    }

    @Test
    void upgradeQosDeliversWithTheSubscriptionQos() throws Exception {
        Mqtt5BlockingClient c = broker.v5("upgraded");
        try (var in = c.publishes(MqttGlobalPublishFilter.ALL)) {
            c.subscribeWith().topicFilter("up").qos(MqttQos.EXACTLY_ONCE).send();
            broker.v5("other").publishWith().topic("up").qos(MqttQos.AT_MOST_ONCE).payload(bytes("x")).send();
            assertThat(in.receive(15, TimeUnit.SECONDS).orElseThrow().getQos()).isEqualTo(MqttQos.EXACTLY_ONCE);
        }
    }

    @Test
    void maxConnectionLifetimeDisconnectsTheClient() {
        Mqtt5BlockingClient c = broker.v5("short-lived");
        Await.until("the broker ended the connection", () -> !c.getState().isConnected());
    }

    @Test
    void maxOfflineMessagesKeepsOnlyTheNewest() throws Exception {
        assertThat(offlineThenBack("small-queue", 5)).containsExactly("m3", "m4");
    }

    @Test
    void lifoQueueDeliversNewestFirst() throws Exception {
        assertThat(offlineThenBack("lifo", 3)).containsExactly("m2", "m1", "m0");
    }

    /** Subscribes persistently, goes offline, gets {@code n} messages queued, returns what comes back. */
    private List<String> offlineThenBack(String id, int n) throws Exception {
        Mqtt3BlockingClient c = broker.v3Unconnected(id);
        c.connectWith().cleanSession(false).send();
        c.subscribeWith().topicFilter("q").qos(MqttQos.AT_LEAST_ONCE).send();
        c.disconnect();
        Mqtt5BlockingClient pub = broker.v5("producer-" + id);
        for (int i = 0; i < n; i++) {
            pub.publishWith().topic("q").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("m" + i)).send();
        }
        pub.publishWith().topic("q-done").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("done")).send();
        List<String> got = new java.util.ArrayList<>();
        try (var in = c.publishes(MqttGlobalPublishFilter.ALL)) {
            c.connectWith().cleanSession(false).send();
            c.subscribeWith().topicFilter("q-done").qos(MqttQos.AT_LEAST_ONCE).send();
            pub.publishWith().topic("q-done").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("done")).send();
            while (true) {
                String s = text(in.receive(15, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes());
                if (s.equals("done")) {
                    return got;
                }
                got.add(s);
            }
        }
    }

    @Test
    void maxMessageRateSlowsThePublisherDownWithoutLosingMessages() throws Exception {
        Mqtt5BlockingClient sub = broker.v5("rate-reader");
        try (var in = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.subscribeWith().topicFilter("rated").qos(MqttQos.AT_LEAST_ONCE).send();
            Mqtt5BlockingClient pub = broker.v5("rate-limited");
            for (int i = 0; i < 12; i++) {
                pub.publishWith().topic("rated").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("m" + i)).send();
            }
            for (int i = 0; i < 12; i++) {
                assertThat(text(in.receive(15, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes())).isEqualTo("m" + i);
            }
        }
    }

    @Test
    void throttleModifierPausesThePublisherWithoutLosingMessages() throws Exception {
        Mqtt5BlockingClient sub = broker.v5("throttle-reader");
        try (var in = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.subscribeWith().topicFilter("throttled").qos(MqttQos.AT_LEAST_ONCE).send();
            Mqtt5BlockingClient pub = broker.v5("throttled-pub");
            for (int i = 0; i < 5; i++) {
                pub.publishWith().topic("throttled").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("m" + i)).send();
            }
            for (int i = 0; i < 5; i++) {
                assertThat(text(in.receive(15, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes())).isEqualTo("m" + i);
            }
        }
    }

    @Test
    void retryIntervalResendsAnUnacknowledgedMessageToAnMqtt311Client() throws Exception {
        try (RawMqtt raw = RawMqtt.open(broker.port())) {
            assertThat(raw.connect("retried", 4).type()).isEqualTo(2);
            raw.send(RawMqtt.subscribePacket311("retry", 1));
            assertThat(raw.read().type()).isEqualTo(9);
            broker.v5("retry-pub").publishWith().topic("retry").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("x")).send();
            RawMqtt.Packet first = raw.read();
            RawMqtt.Packet again = raw.read();
            assertThat(again.type()).isEqualTo(3);
            assertThat(again.header() & 0x08).as("DUP").isEqualTo(0x08);
            assertThat(RawMqtt.publishPacketId(again)).isEqualTo(RawMqtt.publishPacketId(first));
        }
    }
}
