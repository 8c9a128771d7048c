package io.polyhook.it;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static io.polyhook.it.PublishSubscribeTest.bytes;
import static io.polyhook.it.PublishSubscribeTest.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile and broken input over real sockets (MQTT 3.1.1 §4.8 / MQTT 5 §4.13: a malformed packet
 * or protocol error closes the connection, in MQTT 5 after a DISCONNECT with the reason code).
 * Every test also checks that a well-behaved client next to it is unaffected, and the leak guard
 * fails it if a Netty buffer leaked.
 */
@ExtendWith(NettyLeakGuard.class)
class HostileInputTest {

    private static final int MQTT5 = 5;
    private static final int MQTT311 = 4;
    private static final int DISCONNECT = 14;

    private TestBroker broker;
    private Mqtt5BlockingClient good;
    private Mqtt5BlockingClient.Mqtt5Publishes goodInbox;

    @BeforeEach
    void start() {
        // A short CONNECT timeout, so that a truncated CONNECT is closed by the broker within the test.
        broker = TestBroker.configured(TestBroker.broker(b -> b.withConnectTimeout(Duration.ofSeconds(1))));
        good = broker.v5("good");
        goodInbox = good.publishes(MqttGlobalPublishFilter.ALL);
        good.subscribeWith().topicFilter("alive").qos(MqttQos.AT_LEAST_ONCE).send();
    }

    @AfterEach
    void stop() {
        goodInbox.close();
        broker.close();
    }

    /** The bystander still publishes and receives. */
    private void bystanderIsUnaffected() throws InterruptedException {
        good.publishWith().topic("alive").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("still")).send();
        assertThat(text(goodInbox.receive(15, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes())).isEqualTo("still");
    }

    private RawMqtt connected(String id, int level) throws Exception {
        RawMqtt raw = RawMqtt.open(broker.port());
        RawMqtt.Packet connAck = raw.connect(id, level);
        assertThat(connAck).isNotNull();
        assertThat(connAck.type()).isEqualTo(2);
        return raw;
    }

    @Test
    void randomBytesCloseOnlyThatConnection() throws Exception {
        byte[] noise = new byte[4096];
        new Random(42).nextBytes(noise);
        try (RawMqtt raw = RawMqtt.open(broker.port())) {
            raw.send(noise);
            raw.readUntilClosed();
        }
        bystanderIsUnaffected();
    }

    @Test
    void randomBytesAfterConnectCloseOnlyThatConnection() throws Exception {
        byte[] noise = new byte[4096];
        new Random(7).nextBytes(noise);
        // Start with a reserved packet type (0), so that the first byte is malformed for sure.
        noise[0] = 0x00;
        try (RawMqtt raw = connected("noisy", MQTT5)) {
            raw.send(noise);
            List<RawMqtt.Packet> seen = raw.readUntilClosed();
            assertThat(seen).allMatch(p -> p.type() == DISCONNECT);
        }
        bystanderIsUnaffected();
    }

    @Test
    void truncatedConnectIsClosedByTheConnectTimeout() throws Exception {
        byte[] connect = RawMqtt.connectPacket(bytes("half"), MQTT311);
        try (RawMqtt raw = RawMqtt.open(broker.port())) {
            raw.send(java.util.Arrays.copyOf(connect, connect.length / 2));
            assertThat(raw.readUntilClosed()).isEmpty();
        }
        assertThat(broker.broker.sessionCount()).isEqualTo(1);
        bystanderIsUnaffected();
    }

    @Test
    void truncatedPublishFollowedByCloseLeavesTheBrokerClean() throws Exception {
        try (RawMqtt raw = connected("cut", MQTT311)) {
            byte[] publish = RawMqtt.publishPacket(bytes("alive"), new byte[1000], false);
            raw.send(java.util.Arrays.copyOf(publish, 500));
        }
        Await.until("the cut client's session is gone", () -> broker.broker.sessionCount() == 1);
        bystanderIsUnaffected();
    }

    @Test
    void remainingLengthAboveTheMaximumPacketSizeIsDisconnectedWith0x95() throws Exception {
        try (RawMqtt raw = connected("big", MQTT5)) {
            // A PUBLISH announcing 100 MB, far above the 256 KiB maximum.
            raw.send(new byte[] {0x30, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x30});
            List<RawMqtt.Packet> seen = raw.readUntilClosed();
            assertThat(seen).singleElement().satisfies(p -> {
                assertThat(p.type()).isEqualTo(DISCONNECT);
                assertThat(p.reasonCode()).isEqualTo(0x95);
            });
        }
        bystanderIsUnaffected();
    }

    @Test
    void remainingLengthOfFiveBytesIsMalformed() throws Exception {
        try (RawMqtt raw = connected("varint", MQTT5)) {
            raw.send(new byte[] {0x30, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x01});
            List<RawMqtt.Packet> seen = raw.readUntilClosed();
            assertThat(seen).allMatch(p -> p.type() == DISCONNECT && p.reasonCode() >= 0x80);
        }
        bystanderIsUnaffected();
    }

    @Test
    void invalidUtf8InAPublishTopicIsMalformed() throws Exception {
        try (RawMqtt raw = connected("utf8", MQTT5)) {
            raw.send(RawMqtt.publishPacket(new byte[] {'a', '/', (byte) 0xC3, (byte) 0x28}, bytes("x"), true));
            List<RawMqtt.Packet> seen = raw.readUntilClosed();
            assertThat(seen).singleElement().satisfies(p -> {
                assertThat(p.type()).isEqualTo(DISCONNECT);
                assertThat(p.reasonCode()).isEqualTo(0x81);
            });
        }
        bystanderIsUnaffected();
    }

    @Test
    void invalidUtf8InTheClientIdClosesWithoutAdmitting() throws Exception {
        try (RawMqtt raw = RawMqtt.open(broker.port())) {
            raw.send(RawMqtt.connectPacket(new byte[] {'c', (byte) 0xFF, (byte) 0xFE}, MQTT5));
            // MQTT 5 §4.13.1: before CONNACK the server MAY answer 0x81; it closes either way.
            assertThat(raw.readUntilClosed()).allMatch(p -> p.type() == 2 && p.reasonCode() == 0x81);
        }
        assertThat(broker.broker.sessionCount()).isEqualTo(1);
        bystanderIsUnaffected();
    }

    /** A wildcard makes the topic name malformed (§3.3.2.1); Mosquitto treats it the same way. */
    @Test
    void wildcardInAPublishTopicIsMalformed() throws Exception {
        try (RawMqtt raw = connected("wild", MQTT5)) {
            raw.send(RawMqtt.publishPacket(bytes("alive/#"), bytes("x"), true));
            List<RawMqtt.Packet> seen = raw.readUntilClosed();
            assertThat(seen).singleElement().satisfies(p -> {
                assertThat(p.type()).isEqualTo(DISCONNECT);
                assertThat(p.reasonCode()).isEqualTo(0x81);
            });
        }
        bystanderIsUnaffected();
    }

    @Test
    void wildcardInAnMqtt311PublishTopicClosesTheConnection() throws Exception {
        try (RawMqtt raw = connected("wild3", MQTT311)) {
            raw.send(RawMqtt.publishPacket(bytes("alive/+"), bytes("x"), false));
            assertThat(raw.readUntilClosed()).isEmpty();
        }
        bystanderIsUnaffected();
    }

    @Test
    void secondConnectIsAProtocolError() throws Exception {
        try (RawMqtt raw = connected("twice", MQTT5)) {
            raw.send(RawMqtt.connectPacket(bytes("twice"), MQTT5));
            List<RawMqtt.Packet> seen = raw.readUntilClosed();
            assertThat(seen).singleElement().satisfies(p -> {
                assertThat(p.type()).isEqualTo(DISCONNECT);
                assertThat(p.reasonCode()).isEqualTo(0x82);
            });
        }
        bystanderIsUnaffected();
    }

    @Test
    void subscribeBeforeConnectClosesWithoutAnswer() throws Exception {
        try (RawMqtt raw = RawMqtt.open(broker.port())) {
            raw.send(RawMqtt.subscribePacket("alive", false));
            assertThat(raw.readUntilClosed()).isEmpty();
        }
        bystanderIsUnaffected();
    }

    @Test
    void publishBeforeConnectClosesWithoutAnswer() throws Exception {
        try (RawMqtt raw = RawMqtt.open(broker.port())) {
            raw.send(RawMqtt.publishPacket(bytes("alive"), bytes("sneaky"), false));
            assertThat(raw.readUntilClosed()).isEmpty();
        }
        bystanderIsUnaffected();
    }

    @Test
    void unknownProtocolLevelIsRefusedWithUnacceptableProtocolVersion() throws Exception {
        try (RawMqtt raw = RawMqtt.open(broker.port())) {
            raw.send(RawMqtt.connectPacket(bytes("level9"), 9));
            List<RawMqtt.Packet> seen = raw.readUntilClosed();
            assertThat(seen).singleElement().satisfies(p -> {
                assertThat(p.type()).isEqualTo(2);
                assertThat(p.body()[1]).isEqualTo((byte) 0x01);
            });
        }
        bystanderIsUnaffected();
    }
}
