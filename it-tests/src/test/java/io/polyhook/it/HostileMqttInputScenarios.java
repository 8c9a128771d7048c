package io.polyhook.it;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static io.polyhook.it.PublishSubscribeTest.bytes;
import static io.polyhook.it.PublishSubscribeTest.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile and broken MQTT input (MQTT 3.1.1 §4.8 / MQTT 5 §4.13: a malformed packet or protocol
 * error closes the connection, in MQTT 5 after a DISCONNECT with the reason code), written once
 * and run over each listener by a subclass that opens the raw connection and the bystander for
 * its transport. Every test also checks that a well-behaved bystander client on the same
 * transport is unaffected, and the leak guard fails it if a Netty buffer leaked.
 *
 * @param <C> the raw connection of the transport
 */
@ExtendWith(NettyLeakGuard.class)
abstract class HostileMqttInputScenarios<C extends RawConnection> {

    static final int MQTT5 = 5;
    static final int MQTT311 = 4;
    static final int CONNACK = 2;
    static final int DISCONNECT = 14;

    TestBroker broker;
    Mqtt5BlockingClient.Mqtt5Publishes goodInbox;
    private Mqtt5BlockingClient good;

    /** A raw connection to the broker's listener for this transport, nothing sent yet. */
    abstract C open() throws IOException;

    /** A connected MQTT 5 client with identifier {@code id} on this transport, tracked by {@link #broker}. */
    abstract Mqtt5BlockingClient bystander(String id);

    @BeforeEach
    void start() {
        // A short CONNECT timeout, so that a truncated CONNECT is closed by the broker within the test.
        broker = TestBroker.configured(TestBroker.broker(b -> b.withConnectTimeout(Duration.ofSeconds(1))));
        good = bystander("good");
        goodInbox = good.publishes(MqttGlobalPublishFilter.ALL);
        good.subscribeWith().topicFilter("alive").qos(MqttQos.AT_LEAST_ONCE).send();
    }

    @AfterEach
    void stop() {
        goodInbox.close();
        broker.close();
    }

    /** The bystander still publishes and receives. */
    void bystanderIsUnaffected() throws InterruptedException {
        good.publishWith().topic("alive").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("still")).send();
        assertThat(text(goodInbox.receive(15, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes())).isEqualTo("still");
    }

    /** A raw connection that has been accepted by a CONNECT at {@code level}. */
    C connected(String id, int level) throws IOException {
        C raw = open();
        RawMqtt.Packet connAck = raw.connect(id, level);
        assertThat(connAck).isNotNull();
        assertThat(connAck.type()).isEqualTo(CONNACK);
        assertThat(connAck.reasonCode()).isZero();
        return raw;
    }

    static void assertSingleDisconnect(List<RawMqtt.Packet> seen, int reasonCode) {
        assertThat(seen).singleElement().satisfies(p -> {
            assertThat(p.type()).isEqualTo(DISCONNECT);
            assertThat(p.reasonCode()).isEqualTo(reasonCode);
        });
    }

    @Test
    void randomBytesBeforeConnectCloseOnlyThatConnection() throws Exception {
        byte[] noise = new byte[4096];
        new Random(42).nextBytes(noise);
        try (C raw = open()) {
            // In one send: a second one could meet the broker's close as a reset.
            raw.send(noise);
            assertThat(raw.readUntilClosed()).isEmpty();
        }
        bystanderIsUnaffected();
    }

    @Test
    void randomBytesAfterConnectAreDisconnectedAsMalformed() throws Exception {
        byte[] noise = new byte[4096];
        new Random(7).nextBytes(noise);
        // A reserved packet type (0) first, so that the input is malformed for sure.
        noise[0] = 0x00;
        try (C raw = connected("noisy", MQTT5)) {
            raw.send(noise);
            assertSingleDisconnect(raw.readUntilClosed(), 0x81);
        }
        bystanderIsUnaffected();
    }

    @Test
    void truncatedConnectIsClosedByTheConnectTimeout() throws Exception {
        byte[] connect = RawMqtt.connectPacket(bytes("half"), MQTT311);
        try (C raw = open()) {
            raw.send(Arrays.copyOf(connect, connect.length / 2));
            assertThat(raw.readUntilClosed()).isEmpty();
        }
        assertThat(broker.broker.sessionCount()).isEqualTo(1);
        bystanderIsUnaffected();
    }

    @Test
    void truncatedPublishFollowedByCloseLeavesTheBrokerClean() throws Exception {
        try (C raw = connected("cut", MQTT311)) {
            byte[] publish = RawMqtt.publishPacket(bytes("alive"), new byte[1000], false);
            raw.send(Arrays.copyOf(publish, 500));
        }
        Await.until("the cut client's session is gone", () -> broker.broker.sessionCount() == 1);
        bystanderIsUnaffected();
    }

    @Test
    void remainingLengthAboveTheMaximumPacketSizeIsDisconnectedWith0x95() throws Exception {
        try (C raw = connected("big", MQTT5)) {
            // A PUBLISH announcing 100 MB, far above the 256 KiB maximum, in a few bytes.
            raw.send(new byte[] {0x30, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x30});
            assertSingleDisconnect(raw.readUntilClosed(), 0x95);
        }
        bystanderIsUnaffected();
    }

    @Test
    void remainingLengthOfFiveBytesIsMalformed() throws Exception {
        try (C raw = connected("varint", MQTT5)) {
            raw.send(new byte[] {0x30, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x01});
            List<RawMqtt.Packet> seen = raw.readUntilClosed();
            assertThat(seen).allMatch(p -> p.type() == DISCONNECT && p.reasonCode() >= 0x80);
        }
        bystanderIsUnaffected();
    }

    @Test
    void invalidUtf8InAPublishTopicIsDisconnectedWith0x81() throws Exception {
        try (C raw = connected("utf8", MQTT5)) {
            raw.send(RawMqtt.publishPacket(new byte[] {'a', '/', (byte) 0xC3, (byte) 0x28}, bytes("x"), true));
            assertSingleDisconnect(raw.readUntilClosed(), 0x81);
        }
        bystanderIsUnaffected();
    }

    @Test
    void invalidUtf8InTheClientIdClosesWithoutAdmitting() throws Exception {
        try (C raw = open()) {
            raw.send(RawMqtt.connectPacket(new byte[] {'c', (byte) 0xFF, (byte) 0xFE}, MQTT5));
            // MQTT 5 §4.13.1: before CONNACK the server MAY answer 0x81; it closes either way.
            assertThat(raw.readUntilClosed()).allMatch(p -> p.type() == CONNACK && p.reasonCode() == 0x81);
        }
        assertThat(broker.broker.sessionCount()).isEqualTo(1);
        bystanderIsUnaffected();
    }

    /** A wildcard makes the topic name malformed (§3.3.2.1); Mosquitto treats it the same way. */
    @Test
    void wildcardInAPublishTopicIsDisconnectedWith0x81() throws Exception {
        try (C raw = connected("wild", MQTT5)) {
            raw.send(RawMqtt.publishPacket(bytes("alive/#"), bytes("x"), true));
            assertSingleDisconnect(raw.readUntilClosed(), 0x81);
        }
        bystanderIsUnaffected();
    }

    @Test
    void wildcardInAnMqtt311PublishTopicClosesTheConnection() throws Exception {
        try (C raw = connected("wild3", MQTT311)) {
            raw.send(RawMqtt.publishPacket(bytes("alive/+"), bytes("x"), false));
            assertThat(raw.readUntilClosed()).isEmpty();
        }
        bystanderIsUnaffected();
    }

    @Test
    void secondConnectIsDisconnectedWith0x82() throws Exception {
        try (C raw = connected("twice", MQTT5)) {
            raw.send(RawMqtt.connectPacket(bytes("twice"), MQTT5));
            assertSingleDisconnect(raw.readUntilClosed(), 0x82);
        }
        bystanderIsUnaffected();
    }

    @Test
    void subscribeBeforeConnectClosesWithoutAnswer() throws Exception {
        try (C raw = open()) {
            raw.send(RawMqtt.subscribePacket("alive", false));
            assertThat(raw.readUntilClosed()).isEmpty();
        }
        bystanderIsUnaffected();
    }

    @Test
    void publishBeforeConnectClosesWithoutAnswerOrDelivery() throws Exception {
        try (C raw = open()) {
            raw.send(RawMqtt.publishPacket(bytes("alive"), bytes("sneaky"), false));
            assertThat(raw.readUntilClosed()).isEmpty();
        }
        assertThat(goodInbox.receive(200, TimeUnit.MILLISECONDS)).isEmpty();
        bystanderIsUnaffected();
    }

    @Test
    void unknownProtocolLevelIsRefusedWithUnacceptableProtocolVersion() throws Exception {
        try (C raw = open()) {
            raw.send(RawMqtt.connectPacket(bytes("level9"), 9));
            assertThat(raw.readUntilClosed()).singleElement().satisfies(p -> {
                assertThat(p.type()).isEqualTo(CONNACK);
                assertThat(p.body()[1]).isEqualTo((byte) 0x01);
            });
        }
        bystanderIsUnaffected();
    }
}
