package io.polyhook.it;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Socket;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static io.polyhook.it.PublishSubscribeTest.bytes;
import static io.polyhook.it.PublishSubscribeTest.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile and broken input over the WebSocket listener (MQTT 5 §6, RFC 6455): the scenarios of
 * {@link HostileMqttInputScenarios} inside binary frames, and what only WebSocket allows: text
 * frames, fragmented and oversize frames, broken or misdirected handshakes. Each closes only that
 * connection (after a DISCONNECT with the reason code, for an MQTT 5 client that had connected);
 * a well-behaved WebSocket client next to it is unaffected, and the leak guard fails the test if
 * a Netty buffer leaked.
 */
class WebSocketHostileInputTest extends HostileMqttInputScenarios<RawWebSocket> {

    private static final int SUBACK = 9;
    private static final int PUBLISH = 3;

    @Override
    RawWebSocket open() throws IOException {
        return RawWebSocket.open(broker.wsPort());
    }

    @Override
    Mqtt5BlockingClient bystander(String id) {
        Mqtt5BlockingClient c = MqttClient.builder().useMqttVersion5().identifier(id).serverHost("127.0.0.1")
                .serverPort(broker.wsPort()).webSocketConfig().serverPath("mqtt").applyWebSocketConfig().buildBlocking();
        c.connect();
        broker.track(c);
        return c;
    }

    // ------------------------------------------------------------ WebSocket framing

    @Test
    void textFrameBeforeConnectClosesTheConnection() throws Exception {
        try (RawWebSocket ws = open()) {
            ws.sendFrame(RawWebSocket.TEXT, true, RawMqtt.connectPacket(bytes("text"), MQTT5));
            assertThat(ws.readUntilClosed()).isEmpty();
        }
        assertThat(broker.broker.sessionCount()).isEqualTo(1);
        bystanderIsUnaffected();
    }

    /** MQTT 5 §6.0.0-1: data frames other than binary close the connection; a connected client is told why first. */
    @Test
    void textFrameAfterConnectIsDisconnectedAsMalformed() throws Exception {
        try (RawWebSocket ws = connected("text", MQTT5)) {
            ws.sendFrame(RawWebSocket.TEXT, true, bytes("hello"));
            assertSingleDisconnect(ws.readUntilClosed(), 0x81);
        }
        bystanderIsUnaffected();
    }

    /** RFC 6455 §5.4: a message may be fragmented into a binary frame and continuation frames. */
    @Test
    void packetsSplitAcrossContinuationFramesWork() throws Exception {
        try (RawWebSocket ws = open()) {
            byte[] connect = RawMqtt.connectPacket(bytes("fragments"), MQTT5);
            ws.sendFrame(RawWebSocket.BINARY, false, Arrays.copyOfRange(connect, 0, 3));
            ws.sendFrame(RawWebSocket.CONTINUATION, false, Arrays.copyOfRange(connect, 3, 9));
            ws.sendFrame(RawWebSocket.CONTINUATION, true, Arrays.copyOfRange(connect, 9, connect.length));
            RawMqtt.Packet connAck = ws.read();
            assertThat(connAck.type()).isEqualTo(CONNACK);
            assertThat(connAck.reasonCode()).isZero();
            byte[] publish = RawMqtt.publishPacket(bytes("alive"), bytes("in pieces"), true);
            ws.sendFrame(RawWebSocket.BINARY, false, Arrays.copyOfRange(publish, 0, 1));
            ws.sendFrame(RawWebSocket.CONTINUATION, true, Arrays.copyOfRange(publish, 1, publish.length));
            assertThat(text(goodInbox.receive(15, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes()))
                    .isEqualTo("in pieces");
        }
        bystanderIsUnaffected();
    }

    /** MQTT 5 §6: an MQTT packet may span WebSocket messages, and a message may hold several packets. */
    @Test
    void packetsSplitAcrossSeparateBinaryMessagesWork() throws Exception {
        try (RawWebSocket ws = open()) {
            byte[] connect = RawMqtt.connectPacket(bytes("spanning"), MQTT5);
            ws.send(Arrays.copyOfRange(connect, 0, 5));
            ws.send(Arrays.copyOfRange(connect, 5, connect.length));
            assertThat(ws.read().type()).isEqualTo(CONNACK);
            // SUBSCRIBE and the start of a PUBLISH in one message, the rest of the PUBLISH in the next.
            byte[] subscribe = RawMqtt.subscribePacket("spanning/echo", true);
            byte[] publish = RawMqtt.publishPacket(bytes("spanning/echo"), bytes("across messages"), true);
            byte[] both = new byte[subscribe.length + 4];
            System.arraycopy(subscribe, 0, both, 0, subscribe.length);
            System.arraycopy(publish, 0, both, subscribe.length, 4);
            ws.send(both);
            assertThat(ws.read().type()).isEqualTo(SUBACK);
            ws.send(Arrays.copyOfRange(publish, 4, publish.length));
            RawMqtt.Packet echo = ws.read();
            assertThat(echo.type()).isEqualTo(PUBLISH);
            assertThat(text(echo.body())).endsWith("across messages");
        }
        bystanderIsUnaffected();
    }

    @Test
    void frameLargerThanTheMaximumPacketSizeIsDisconnectedWith0x95() throws Exception {
        try (RawWebSocket ws = connected("bigframe", MQTT5)) {
            // 256 KiB is the maximum packet size; a frame of 300 KB cannot hold a packet the broker takes.
            ws.sendFrameHead(300_000);
            assertSingleDisconnect(ws.readUntilClosed(), 0x95);
        }
        bystanderIsUnaffected();
    }

    @Test
    void frameLargerThanTheMaximumPacketSizeBeforeConnectClosesTheConnection() throws Exception {
        try (RawWebSocket ws = open()) {
            ws.sendFrameHead(300_000);
            assertThat(ws.readUntilClosed()).isEmpty();
        }
        bystanderIsUnaffected();
    }

    // ------------------------------------------------------------ HTTP handshake

    @Test
    void plainHttpRequestToTheMqttPathIsAnsweredWithAnErrorAndClosed() throws Exception {
        try (Socket s = RawWebSocket.connect(broker.wsPort())) {
            RawWebSocket.HttpAnswer answer = RawWebSocket.request(s,
                    "GET /mqtt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            assertThat(answer.status()).isBetween(400, 499);
            assertThat(RawWebSocket.closedByBroker(s)).isTrue();
        }
        bystanderIsUnaffected();
    }

    @Test
    void upgradeOfferingOnlyAnotherSubprotocolIsRefused() throws Exception {
        try (Socket s = RawWebSocket.connect(broker.wsPort())) {
            RawWebSocket.HttpAnswer answer = RawWebSocket.request(s, RawWebSocket.upgradeRequest("/mqtt", "chat, stomp"));
            assertThat(answer.status()).isEqualTo(400);
            assertThat(RawWebSocket.closedByBroker(s)).isTrue();
        }
        bystanderIsUnaffected();
    }

    @Test
    void upgradeOnAnotherPathIsAnsweredWith404AndClosed() throws Exception {
        try (Socket s = RawWebSocket.connect(broker.wsPort())) {
            RawWebSocket.HttpAnswer answer = RawWebSocket.request(s, RawWebSocket.upgradeRequest("/other", "mqtt"));
            assertThat(answer.status()).isEqualTo(404);
            assertThat(RawWebSocket.closedByBroker(s)).isTrue();
        }
        bystanderIsUnaffected();
    }

    @Test
    void garbageInsteadOfAnHttpRequestClosesTheConnection() throws Exception {
        byte[] noise = new byte[2048];
        new Random(3).nextBytes(noise);
        try (Socket s = RawWebSocket.connect(broker.wsPort())) {
            s.getOutputStream().write(noise);
            s.getOutputStream().flush();
            assertThat(RawWebSocket.closedByBroker(s)).isTrue();
        }
        bystanderIsUnaffected();
    }
}
