package io.polyhook.it;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.lifecycle.MqttClientDisconnectedContext;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.polyhook.it.PublishSubscribeTest.bytes;
import static io.polyhook.it.PublishSubscribeTest.text;
import static org.assertj.core.api.Assertions.assertThat;

class SessionTest {

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
    void willIsPublishedWhenTheConnectionDropsWithoutDisconnect() throws Exception {
        Mqtt5BlockingClient watcher = broker.v5("watcher");
        try (var in = watcher.publishes(MqttGlobalPublishFilter.ALL)) {
            watcher.subscribeWith().topicFilter("wills/#").qos(MqttQos.AT_LEAST_ONCE).send();
            MqttClient paho = new MqttClient("tcp://127.0.0.1:" + broker.port(), "dying", new MemoryPersistence());
            MqttConnectOptions o = new MqttConnectOptions();
            o.setWill("wills/dying", bytes("gone"), 1, false);
            paho.connect(o);
            // Close the socket without sending DISCONNECT: an abnormal end.
            paho.disconnectForcibly(0, 1, false);
            paho.close();
            var got = in.receive(10, TimeUnit.SECONDS).orElseThrow();
            assertThat(got.getTopic().toString()).isEqualTo("wills/dying");
            assertThat(text(got.getPayloadAsBytes())).isEqualTo("gone");
        }
    }

    @Test
    void willIsNotPublishedAfterCleanDisconnect() throws Exception {
        Mqtt5BlockingClient watcher = broker.v5("watcher");
        try (var in = watcher.publishes(MqttGlobalPublishFilter.ALL)) {
            watcher.subscribeWith().topicFilter("wills/#").qos(MqttQos.AT_LEAST_ONCE).send();
            watcher.subscribeWith().topicFilter("marker").qos(MqttQos.AT_LEAST_ONCE).send();
            Mqtt5BlockingClient polite = broker.v5Builder("polite").willPublish().topic("wills/polite")
                    .payload(bytes("gone")).qos(MqttQos.AT_LEAST_ONCE).applyWillPublish().buildBlocking();
            polite.connect();
            polite.disconnect();
            Await.until("polite session gone", () -> broker.broker.sessionCount() == 1);
            broker.v5("pub").publishWith().topic("marker").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("m")).send();
            assertThat(in.receive(10, TimeUnit.SECONDS).orElseThrow().getTopic().toString()).isEqualTo("marker");
        }
    }

    @Test
    void delayedWillIsPublishedAfterTheDelayWhenTheClientStaysAway() throws Exception {
        Mqtt5BlockingClient watcher = broker.v5("watcher");
        try (var in = watcher.publishes(MqttGlobalPublishFilter.ALL)) {
            watcher.subscribeWith().topicFilter("wills/#").qos(MqttQos.AT_LEAST_ONCE).send();
            var paho = new org.eclipse.paho.mqttv5.client.MqttClient("tcp://127.0.0.1:" + broker.port(), "delayed",
                    new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
            var o = new org.eclipse.paho.mqttv5.client.MqttConnectionOptions();
            o.setSessionExpiryInterval(60L);
            var willProps = new org.eclipse.paho.mqttv5.common.packet.MqttProperties();
            willProps.setWillDelayInterval(1L);
            o.setWill("wills/delayed", new org.eclipse.paho.mqttv5.common.MqttMessage(bytes("late")));
            o.setWillMessageProperties(willProps);
            paho.connect(o);
            paho.disconnectForcibly(0, 1, false);
            paho.close();
            var got = in.receive(15, TimeUnit.SECONDS).orElseThrow();
            assertThat(text(got.getPayloadAsBytes())).isEqualTo("late");
        }
    }

    @Test
    void delayedWillIsCancelledWhenTheClientReturnsInTime() throws Exception {
        Mqtt5BlockingClient watcher = broker.v5("watcher");
        try (var in = watcher.publishes(MqttGlobalPublishFilter.ALL)) {
            watcher.subscribeWith().topicFilter("wills/#").qos(MqttQos.AT_LEAST_ONCE).send();
            watcher.subscribeWith().topicFilter("marker").qos(MqttQos.AT_LEAST_ONCE).send();
            var paho = new org.eclipse.paho.mqttv5.client.MqttClient("tcp://127.0.0.1:" + broker.port(), "returns",
                    new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
            var o = new org.eclipse.paho.mqttv5.client.MqttConnectionOptions();
            o.setSessionExpiryInterval(600L);
            var willProps = new org.eclipse.paho.mqttv5.common.packet.MqttProperties();
            willProps.setWillDelayInterval(300L);
            o.setWill("wills/returns", new org.eclipse.paho.mqttv5.common.MqttMessage(bytes("never")));
            o.setWillMessageProperties(willProps);
            paho.connect(o);
            paho.disconnectForcibly(0, 1, false);
            paho.close();
            Mqtt5BlockingClient back = broker.v5Unconnected("returns");
            back.connectWith().cleanStart(false).sessionExpiryInterval(600).send();
            back.disconnect();
            broker.v5("pub").publishWith().topic("marker").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("m")).send();
            assertThat(in.receive(10, TimeUnit.SECONDS).orElseThrow().getTopic().toString()).isEqualTo("marker");
        }
    }

    @Test
    void secondConnectionWithSameClientIdTakesTheSessionOver() throws Exception {
        CompletableFuture<MqttClientDisconnectedContext> dropped = new CompletableFuture<>();
        Mqtt5BlockingClient first = broker.v5Builder("same").addDisconnectedListener(dropped::complete).buildBlocking();
        first.connect();
        Mqtt5BlockingClient second = broker.v5("same");
        Throwable cause = dropped.get(10, TimeUnit.SECONDS).getCause();
        assertThat(cause).isInstanceOf(Mqtt5DisconnectException.class);
        assertThat(((Mqtt5DisconnectException) cause).getMqttMessage().getReasonCode())
                .isEqualTo(Mqtt5DisconnectReasonCode.SESSION_TAKEN_OVER);
        assertThat(second.getState().isConnected()).isTrue();
    }

    @Test
    void persistentMqtt311SessionReceivesQos1MessagesPublishedWhileOffline() throws Exception {
        Mqtt3BlockingClient sub = broker.v3Unconnected("durable");
        sub.connectWith().cleanSession(false).send();
        sub.subscribeWith().topicFilter("offline/#").qos(MqttQos.AT_LEAST_ONCE).send();
        sub.disconnect();
        broker.v3("pub").publishWith().topic("offline/1").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("while away")).send();
        try (var in = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            var ack = sub.connectWith().cleanSession(false).send();
            assertThat(ack.isSessionPresent()).isTrue();
            var got = in.receive(10, TimeUnit.SECONDS).orElseThrow();
            assertThat(text(got.getPayloadAsBytes())).isEqualTo("while away");
        }
    }

    @Test
    void persistentMqtt5SessionWithExpiryReceivesQos1MessagesPublishedWhileOffline() throws Exception {
        Mqtt5BlockingClient sub = broker.v5Unconnected("durable5");
        sub.connectWith().cleanStart(true).sessionExpiryInterval(300).send();
        sub.subscribeWith().topicFilter("offline5/#").qos(MqttQos.EXACTLY_ONCE).send();
        sub.disconnect();
        broker.v5("pub").publishWith().topic("offline5/a").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("one")).send();
        broker.v5("pub0").publishWith().topic("offline5/b").qos(MqttQos.AT_MOST_ONCE).payload(bytes("qos0 dropped")).send();
        broker.v5("pub2").publishWith().topic("offline5/c").qos(MqttQos.EXACTLY_ONCE).payload(bytes("two")).send();
        try (var in = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            Mqtt5ConnAck ack = sub.connectWith().cleanStart(false).sessionExpiryInterval(300).send();
            assertThat(ack.isSessionPresent()).isTrue();
            assertThat(text(in.receive(10, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes())).isEqualTo("one");
            assertThat(text(in.receive(10, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes())).isEqualTo("two");
        }
    }

    @Test
    void cleanStartDiscardsThePreviousSession() throws Exception {
        Mqtt5BlockingClient sub = broker.v5Unconnected("fresh");
        sub.connectWith().sessionExpiryInterval(300).send();
        sub.subscribeWith().topicFilter("gone/#").qos(MqttQos.AT_LEAST_ONCE).send();
        sub.disconnect();
        Mqtt5ConnAck ack = sub.connectWith().cleanStart(true).send();
        assertThat(ack.isSessionPresent()).isFalse();
        assertThat(broker.broker.subscriptionCount("")).isZero();
    }

    @Test
    void mqtt5ClientWithoutIdGetsAnAssignedClientIdentifier() {
        Mqtt5BlockingClient c = broker.v5Unconnected("");
        Mqtt5ConnAck ack = c.connect();
        assertThat(ack.getAssignedClientIdentifier()).isPresent();
        assertThat(ack.getAssignedClientIdentifier().get().toString()).startsWith("polyhook-");
    }

    @Test
    void closingTheBrokerSendsServerShuttingDownToMqtt5Clients() throws Exception {
        CompletableFuture<MqttClientDisconnectedContext> dropped = new CompletableFuture<>();
        Mqtt5BlockingClient c = broker.v5Builder("bye").addDisconnectedListener(dropped::complete).buildBlocking();
        c.connect();
        broker.broker.close();
        Throwable cause = dropped.get(10, TimeUnit.SECONDS).getCause();
        assertThat(cause).isInstanceOf(Mqtt5DisconnectException.class);
        assertThat(((Mqtt5DisconnectException) cause).getMqttMessage().getReasonCode())
                .isEqualTo(Mqtt5DisconnectReasonCode.SERVER_SHUTTING_DOWN);
    }
}
