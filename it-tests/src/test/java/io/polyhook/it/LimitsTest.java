package io.polyhook.it;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import io.polyhook.spi.ChainHook;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.Plugin;
import io.polyhook.spi.RegisterContext;
import io.polyhook.spi.RegisterModifiers;
import io.polyhook.spi.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.polyhook.it.PublishSubscribeTest.bytes;
import static io.polyhook.it.PublishSubscribeTest.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * broker.max_connections and max_connections_per_ip (a connection over a limit is answered with a
 * CONNACK that says why: MQTT 5 0x97 Quota exceeded, 3.x 0x03 Server unavailable), and the bounded
 * queue of a slow consumer.
 */
@ExtendWith(NettyLeakGuard.class)
class LimitsTest {

    private static final int CONNACK = 2;
    private static final int QUOTA_EXCEEDED = 0x97;
    private static final int SERVER_UNAVAILABLE = 0x03;

    /** A broker that admits {@code total} connections ({@code perIp} from one address; 0: no limit). */
    private static TestBroker limitedTo(int total, int perIp, Plugin... plugins) {
        return TestBroker.configured(TestBroker.broker(b -> b.withMaxConnections(total, perIp)
                .withConnectTimeout(Duration.ofSeconds(1))), plugins);
    }

    /** Fills the broker's only slot with a connected MQTT 5 client. */
    private static Mqtt5BlockingClient fillTheSlot(TestBroker broker) {
        return broker.v5("inside");
    }

    @Test
    void hivemqMqtt5ClientOverMaxConnectionsIsRefusedWithQuotaExceededAndAReasonString() {
        try (TestBroker broker = limitedTo(1, 0)) {
            fillTheSlot(broker);
            Mqtt5BlockingClient refused = broker.v5Unconnected("refused");
            assertThatThrownBy(refused::connect).isInstanceOfSatisfying(Mqtt5ConnAckException.class, e -> {
                assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.QUOTA_EXCEEDED);
                assertThat(e.getMqttMessage().getReasonString()).hasValueSatisfying(
                        r -> assertThat(r.toString()).isEqualTo("too many connections"));
            });
        }
    }

    @Test
    void mqtt5ClientThatAsksForNoProblemInformationGetsNoReasonString() {
        try (TestBroker broker = limitedTo(1, 0)) {
            fillTheSlot(broker);
            Mqtt5BlockingClient refused = broker.v5Builder("quiet").buildBlocking();
            assertThatThrownBy(() -> refused.connectWith().restrictions().requestProblemInformation(false)
                    .applyRestrictions().send()).isInstanceOfSatisfying(Mqtt5ConnAckException.class, e -> {
                assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.QUOTA_EXCEEDED);
                assertThat(e.getMqttMessage().getReasonString()).isEmpty();
            });
        }
    }

    @Test
    void hivemqMqtt311ClientOverMaxConnectionsIsRefusedWithServerUnavailable() {
        try (TestBroker broker = limitedTo(1, 0)) {
            fillTheSlot(broker);
            Mqtt3BlockingClient refused = broker.v3Unconnected("refused3");
            assertThatThrownBy(refused::connect).isInstanceOfSatisfying(Mqtt3ConnAckException.class, e ->
                    assertThat(e.getMqttMessage().getReturnCode()).isEqualTo(Mqtt3ConnAckReturnCode.SERVER_UNAVAILABLE));
        }
    }

    @Test
    void pahoMqtt311ClientOverMaxConnectionsIsRefusedWithServerUnavailable() throws Exception {
        try (TestBroker broker = limitedTo(1, 0)) {
            fillTheSlot(broker);
            var paho = new org.eclipse.paho.client.mqttv3.MqttClient("tcp://127.0.0.1:" + broker.port(), "paho3",
                    new org.eclipse.paho.client.mqttv3.persist.MemoryPersistence());
            try {
                assertThatThrownBy(paho::connect).isInstanceOfSatisfying(org.eclipse.paho.client.mqttv3.MqttException.class,
                        e -> assertThat(e.getReasonCode()).isEqualTo(SERVER_UNAVAILABLE));
            } finally {
                paho.close();
            }
        }
    }

    @Test
    void pahoMqtt31ClientOverMaxConnectionsIsRefusedWithServerUnavailable() throws Exception {
        try (TestBroker broker = limitedTo(1, 0)) {
            fillTheSlot(broker);
            var paho = new org.eclipse.paho.client.mqttv3.MqttClient("tcp://127.0.0.1:" + broker.port(), "paho31",
                    new org.eclipse.paho.client.mqttv3.persist.MemoryPersistence());
            var options = new org.eclipse.paho.client.mqttv3.MqttConnectOptions();
            options.setMqttVersion(org.eclipse.paho.client.mqttv3.MqttConnectOptions.MQTT_VERSION_3_1);
            try {
                assertThatThrownBy(() -> paho.connect(options)).isInstanceOfSatisfying(
                        org.eclipse.paho.client.mqttv3.MqttException.class,
                        e -> assertThat(e.getReasonCode()).isEqualTo(SERVER_UNAVAILABLE));
            } finally {
                paho.close();
            }
        }
    }

    @Test
    void pahoMqtt5ClientOverMaxConnectionsIsRefusedWithQuotaExceeded() throws Exception {
        try (TestBroker broker = limitedTo(1, 0)) {
            fillTheSlot(broker);
            var paho = new org.eclipse.paho.mqttv5.client.MqttClient("tcp://127.0.0.1:" + broker.port(), "paho5",
                    new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
            try {
                assertThatThrownBy(() -> paho.connect(new org.eclipse.paho.mqttv5.client.MqttConnectionOptions()))
                        .isInstanceOfSatisfying(org.eclipse.paho.mqttv5.common.MqttException.class,
                                e -> assertThat(e.getReasonCode()).isEqualTo(QUOTA_EXCEEDED));
            } finally {
                paho.close();
            }
        }
    }

    @Test
    void mqtt5ClientOverMaxConnectionsOnTheWebSocketListenerIsRefusedWithQuotaExceeded() {
        try (TestBroker broker = limitedTo(1, 0)) {
            fillTheSlot(broker);
            Mqtt5BlockingClient ws = MqttClient.builder().useMqttVersion5().identifier("ws").serverHost("127.0.0.1")
                    .serverPort(broker.wsPort()).webSocketConfig().serverPath("mqtt").applyWebSocketConfig().buildBlocking();
            assertThatThrownBy(ws::connect).isInstanceOfSatisfying(Mqtt5ConnAckException.class, e ->
                    assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.QUOTA_EXCEEDED));
        }
    }

    @Test
    void aRefusedConnectionIsNoSessionAndCallsNoHook() throws Exception {
        AtomicInteger registers = new AtomicInteger();
        Plugin counting = context -> {
            for (ChainHook<RegisterContext, RegisterModifiers> h : List.of(Hooks.AUTH_ON_REGISTER, Hooks.AUTH_ON_REGISTER_M5)) {
                context.hooks().register(h, rc -> {
                    registers.incrementAndGet();
                    return Verdict.ok();
                });
            }
        };
        // No anonymous access: every admitted CONNECT goes through auth_on_register, which lets it in.
        try (TestBroker broker = TestBroker.configured(TestBroker.broker(b -> b.withMaxConnections(1, 0)
                .withAllowAnonymous(false)), counting)) {
            fillTheSlot(broker);
            assertThat(registers).hasValue(1);
            try (RawMqtt raw = RawMqtt.open(broker.port())) {
                RawMqtt.Packet connAck = raw.connect("refused", 5);
                assertThat(connAck.type()).isEqualTo(CONNACK);
                assertThat(connAck.reasonCode()).isEqualTo(QUOTA_EXCEEDED);
                assertThat(raw.readUntilClosed()).isEmpty();
            }
            assertThat(broker.broker.sessionCount()).isEqualTo(1);
            assertThat(registers).hasValue(1);
        }
    }

    @Test
    void aRefusedConnectionThatNeverSendsConnectIsClosedByTheConnectTimeout() throws Exception {
        try (TestBroker broker = limitedTo(1, 0)) {
            fillTheSlot(broker);
            try (RawMqtt silent = RawMqtt.open(broker.port())) {
                assertThat(silent.readUntilClosed()).isEmpty();
            }
        }
    }

    @Test
    void aRefusedConnectionThatSendsAnotherPacketFirstIsClosedWithoutAnswer() throws Exception {
        try (TestBroker broker = limitedTo(1, 0)) {
            fillTheSlot(broker);
            try (RawMqtt raw = RawMqtt.open(broker.port())) {
                raw.send(RawMqtt.subscribePacket("x", false));
                assertThat(raw.readUntilClosed()).isEmpty();
            }
        }
    }

    @Test
    void aClientInsideTheLimitKeepsWorkingWhileOthersAreRefused() throws Exception {
        try (TestBroker broker = limitedTo(1, 0)) {
            Mqtt5BlockingClient inside = fillTheSlot(broker);
            try (var inbox = inside.publishes(MqttGlobalPublishFilter.ALL)) {
                inside.subscribeWith().topicFilter("mine").qos(MqttQos.AT_LEAST_ONCE).send();
                for (int i = 0; i < 3; i++) {
                    try (RawMqtt raw = RawMqtt.open(broker.port())) {
                        assertThat(raw.connect("refused" + i, 4).reasonCode()).isEqualTo(SERVER_UNAVAILABLE);
                    }
                }
                inside.publishWith().topic("mine").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("still here")).send();
                assertThat(text(inbox.receive(10, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes()))
                        .isEqualTo("still here");
            }
        }
    }

    @Test
    void aSlotFreedByADisconnectCanBeUsedAgain() throws Exception {
        try (TestBroker broker = limitedTo(1, 0)) {
            Mqtt5BlockingClient first = fillTheSlot(broker);
            try (RawMqtt raw = RawMqtt.open(broker.port())) {
                assertThat(raw.connect("refused", 5).reasonCode()).isEqualTo(QUOTA_EXCEEDED);
            }
            first.disconnect();
            Mqtt5BlockingClient next = broker.v5Unconnected("next");
            // The slot is released when the broker has seen the close: until then "next" may still be refused.
            Await.until("a new client gets in", () -> {
                try {
                    next.connect();
                    return true;
                } catch (Mqtt5ConnAckException e) {
                    assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.QUOTA_EXCEEDED);
                    return false;
                }
            });
            assertThat(broker.broker.sessionCount()).isEqualTo(1);
        }
    }

    @Test
    void connectionsOverMaxConnectionsPerIpAreRefusedButOtherAddressesGetIn() throws Exception {
        try (TestBroker broker = limitedTo(0, 1)) {
            try (RawMqtt first = RawMqtt.open("127.0.0.1", broker.port())) {
                assertThat(first.connect("first", 5).reasonCode()).isEqualTo(0);
                try (RawMqtt second = RawMqtt.open("127.0.0.1", broker.port())) {
                    RawMqtt.Packet connAck = second.connect("second", 5);
                    assertThat(connAck.type()).isEqualTo(CONNACK);
                    assertThat(connAck.reasonCode()).isEqualTo(QUOTA_EXCEEDED);
                    assertThat(second.readUntilClosed()).isEmpty();
                }
                // Linux routes all of 127/8 to loopback: another source address is another client host.
                try (RawMqtt other = RawMqtt.open("127.0.0.2", broker.port())) {
                    RawMqtt.Packet connAck = other.connect("other", 5);
                    assertThat(connAck.type()).isEqualTo(CONNACK);
                    assertThat(connAck.reasonCode()).isEqualTo(0);
                }
            }
        }
    }

    @Test
    void aSlowConsumerHasABoundedQueueAndTheDropsAreCounted() throws Exception {
        try (TestBroker broker = TestBroker.configured(TestBroker.broker(b -> b.withMaxOnlineMessages(10)
                .withSys(Duration.ofSeconds(1), "node1")))) {
            Mqtt5BlockingClient watcher = broker.v5("watcher");
            try (var sys = watcher.publishes(MqttGlobalPublishFilter.ALL);
                 RawMqtt slow = RawMqtt.open(broker.port())) {
                assertThat(slow.connect("slow", 4).type()).isEqualTo(2);
                // The slow consumer subscribes and then never reads: its socket buffers fill up.
                slow.socket.setReceiveBufferSize(4096);
                slow.send(RawMqtt.subscribePacket("flood", false));
                Mqtt5BlockingClient publisher = broker.v5("publisher");
                Await.until("the slow consumer's subscription is in", () -> broker.broker.subscriptionCount("") >= 1);
                byte[] chunk = new byte[16 * 1024];
                for (int i = 0; i < 2_000; i++) {
                    publisher.publishWith().topic("flood").qos(MqttQos.AT_MOST_ONCE).payload(chunk).send();
                }
                watcher.subscribeWith().topicFilter("$SYS/node1/messages/dropped").send();
                Await.until("drops are counted in $SYS", () -> {
                    try {
                        var m = sys.receive(1, TimeUnit.SECONDS);
                        return m.isPresent() && Long.parseLong(text(m.get().getPayloadAsBytes())) > 0;
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                });
                // The publisher is not held up by the slow consumer, and stays connected.
                assertThat(publisher.getState().isConnected()).isTrue();
                publisher.disconnect();
            }
        }
    }
}
