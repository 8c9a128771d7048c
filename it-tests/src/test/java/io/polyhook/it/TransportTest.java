package io.polyhook.it;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.polyhook.it.PublishSubscribeTest.bytes;
import static io.polyhook.it.PublishSubscribeTest.text;
import static org.assertj.core.api.Assertions.assertThat;

class TransportTest {

    private TestBroker broker;

    @BeforeEach
    void start() {
        broker = TestBroker.start();
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    @Test
    void mqtt5OverWebSocketPublishesAndSubscribes() throws Exception {
        Mqtt5BlockingClient ws = MqttClient.builder().useMqttVersion5().identifier("ws5").serverHost("127.0.0.1")
                .serverPort(broker.wsPort()).webSocketConfig().serverPath("mqtt").applyWebSocketConfig().buildBlocking();
        ws.connect();
        broker.track(ws);
        try (var in = ws.publishes(MqttGlobalPublishFilter.ALL)) {
            ws.subscribeWith().topicFilter("ws/#").qos(MqttQos.AT_LEAST_ONCE).send();
            broker.v5("tcp").publishWith().topic("ws/1").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("over tcp")).send();
            assertThat(text(in.receive(10, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes())).isEqualTo("over tcp");
            ws.publishWith().topic("ws/2").qos(MqttQos.EXACTLY_ONCE).payload(bytes("over ws")).send();
            assertThat(text(in.receive(10, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes())).isEqualTo("over ws");
        }
    }

    @Test
    void mqtt311OverWebSocketConnects() {
        Mqtt3BlockingClient ws = MqttClient.builder().useMqttVersion3().identifier("ws3").serverHost("127.0.0.1")
                .serverPort(broker.wsPort()).webSocketConfig().serverPath("mqtt").applyWebSocketConfig().buildBlocking();
        ws.connect();
        assertThat(ws.getState().isConnected()).isTrue();
        ws.disconnect();
    }

    @Test
    void pahoMqtt311ClientInteroperates() throws Exception {
        BlockingQueue<String> got = new ArrayBlockingQueue<>(10);
        var paho = new org.eclipse.paho.client.mqttv3.MqttClient("tcp://127.0.0.1:" + broker.port(), "paho3",
                new org.eclipse.paho.client.mqttv3.persist.MemoryPersistence());
        paho.connect();
        paho.subscribe("paho/#", 2, (topic, msg) -> got.add(topic + "=" + new String(msg.getPayload())));
        paho.publish("paho/3", bytes("three"), 2, false);
        assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo("paho/3=three");
        paho.disconnect();
        paho.close();
    }

    @Test
    void pahoMqtt31ClientInteroperates() throws Exception {
        BlockingQueue<String> got = new ArrayBlockingQueue<>(10);
        var paho = new org.eclipse.paho.client.mqttv3.MqttClient("tcp://127.0.0.1:" + broker.port(), "paho31",
                new org.eclipse.paho.client.mqttv3.persist.MemoryPersistence());
        var options = new org.eclipse.paho.client.mqttv3.MqttConnectOptions();
        options.setMqttVersion(org.eclipse.paho.client.mqttv3.MqttConnectOptions.MQTT_VERSION_3_1);
        paho.connect(options);
        paho.subscribe("old/#", 1, (topic, msg) -> got.add(topic + "=" + new String(msg.getPayload())));
        paho.publish("old/31", bytes("mqisdp"), 1, false);
        assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo("old/31=mqisdp");
        paho.disconnect();
        paho.close();
    }

    @Test
    void pahoMqtt5ClientInteroperates() throws Exception {
        BlockingQueue<String> got = new ArrayBlockingQueue<>(10);
        var paho = new org.eclipse.paho.mqttv5.client.MqttClient("tcp://127.0.0.1:" + broker.port(), "paho5",
                new MemoryPersistence());
        paho.setCallback(new org.eclipse.paho.mqttv5.client.MqttCallback() {
            @Override
            public void disconnected(org.eclipse.paho.mqttv5.client.MqttDisconnectResponse r) {
            }

            @Override
            public void mqttErrorOccurred(org.eclipse.paho.mqttv5.common.MqttException e) {
            }

            @Override
            public void messageArrived(String topic, org.eclipse.paho.mqttv5.common.MqttMessage m) {
                got.add(topic + "=" + new String(m.getPayload()));
            }

            @Override
            public void deliveryComplete(org.eclipse.paho.mqttv5.client.IMqttToken t) {
            }

            @Override
            public void connectComplete(boolean reconnect, String uri) {
            }

            @Override
            public void authPacketArrived(int reasonCode, org.eclipse.paho.mqttv5.common.packet.MqttProperties p) {
            }
        });
        paho.connect(new MqttConnectionOptions());
        paho.subscribe("paho5/#", 1);
        paho.publish("paho5/x", bytes("five"), 1, false);
        assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo("paho5/x=five");
        paho.disconnect();
        paho.close();
    }

    @Test
    void malformedBytesCloseOnlyThatConnection() throws Exception {
        Mqtt5BlockingClient good = broker.v5("good");
        try (var in = good.publishes(MqttGlobalPublishFilter.ALL); Socket raw = new Socket()) {
            good.subscribeWith().topicFilter("alive").qos(MqttQos.AT_LEAST_ONCE).send();
            raw.connect(new InetSocketAddress("127.0.0.1", broker.port()), 10_000);
            raw.setSoTimeout(10_000);
            OutputStream out = raw.getOutputStream();
            // A CONNECT whose protocol name is garbage, followed by noise.
            out.write(new byte[] {0x10, 0x0A, 0x00, 0x04, 'X', 'X', 'X', 'X', 0x04, 0x02, 0x00, 0x3C, (byte) 0xFF, (byte) 0xFF});
            out.flush();
            InputStream is = raw.getInputStream();
            // The broker closes the socket (maybe after a CONNACK refusal): read until end of stream.
            int n = 0;
            while (is.read() != -1 && n++ < 100) {
                // drain
            }
            assertThat(is.read()).isEqualTo(-1);
            good.publishWith().topic("alive").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("still")).send();
            assertThat(text(in.receive(10, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes())).isEqualTo("still");
        }
    }

    @Test
    void packetBeforeConnectClosesTheConnection() throws Exception {
        try (Socket raw = new Socket()) {
            raw.connect(new InetSocketAddress("127.0.0.1", broker.port()), 10_000);
            raw.setSoTimeout(10_000);
            // PINGREQ without CONNECT.
            raw.getOutputStream().write(new byte[] {(byte) 0xC0, 0x00});
            raw.getOutputStream().flush();
            assertThat(raw.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void packetLargerThanTheMaximumClosesTheConnection() throws Exception {
        Mqtt5BlockingClient good = broker.v5("good");
        try (Socket raw = new Socket()) {
            raw.connect(new InetSocketAddress("127.0.0.1", broker.port()), 10_000);
            raw.setSoTimeout(10_000);
            // A PUBLISH header announcing 100 MB.
            raw.getOutputStream().write(new byte[] {0x30, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x30});
            raw.getOutputStream().flush();
            assertThat(raw.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(good.getState().isConnected()).isTrue();
    }
}
