package io.polyhook.it;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.polyhook.it.PublishSubscribeTest.bytes;
import static io.polyhook.it.PublishSubscribeTest.text;
import static org.assertj.core.api.Assertions.assertThat;

/** MQTT 5 §4.8.2 shared subscriptions, $share/&lt;group&gt;/&lt;filter&gt;, for MQTT 5 and 3.1.1 clients. */
@ExtendWith(NettyLeakGuard.class)
class SharedSubscriptionTest {

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
    void connAckSaysSharedSubscriptionsAreAvailable() {
        Mqtt5BlockingClient c = broker.v5Unconnected("probe");
        Mqtt5ConnAck ack = c.connect();
        assertThat(ack.getRestrictions().isSharedSubscriptionAvailable()).isTrue();
    }

    @Test
    void eachMessageGoesToExactlyOneMemberOfTheGroup() throws Exception {
        Mqtt5BlockingClient a = broker.v5("member-a");
        Mqtt3BlockingClient b = broker.v3("member-b");
        Mqtt5BlockingClient plain = broker.v5("plain");
        List<String> got = new ArrayList<>();
        int n = 40;
        try (var inA = a.publishes(MqttGlobalPublishFilter.ALL); var inB = b.publishes(MqttGlobalPublishFilter.ALL);
             var inPlain = plain.publishes(MqttGlobalPublishFilter.ALL)) {
            a.subscribeWith().topicFilter("$share/workers/jobs/#").qos(MqttQos.AT_LEAST_ONCE).send();
            b.subscribeWith().topicFilter("$share/workers/jobs/#").qos(MqttQos.AT_LEAST_ONCE).send();
            plain.subscribeWith().topicFilter("jobs/#").qos(MqttQos.AT_LEAST_ONCE).send();
            Mqtt5BlockingClient pub = broker.v5("producer");
            for (int i = 0; i < n; i++) {
                pub.publishWith().topic("jobs/" + i).qos(MqttQos.AT_LEAST_ONCE).payload(bytes("job" + i)).send();
            }
            for (int i = 0; i < n; i++) {
                assertThat(inPlain.receive(15, TimeUnit.SECONDS)).isPresent();
            }
            Await.until("the group got every job", () -> {
                try {
                    inA.receive(10, TimeUnit.MILLISECONDS).ifPresent(p -> got.add(text(p.getPayloadAsBytes())));
                    inB.receive(10, TimeUnit.MILLISECONDS).ifPresent(p -> got.add(text(p.getPayloadAsBytes())));
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                return got.size() >= n;
            });
        }
        // Exactly once each: no job twice, none missing.
        assertThat(got).hasSize(n).doesNotHaveDuplicates();
    }

    @Test
    void retainedMessagesAreNotSentToASharedSubscription() throws Exception {
        Mqtt5BlockingClient pub = broker.v5("retainer");
        pub.publishWith().topic("shared/r").retain(true).qos(MqttQos.AT_LEAST_ONCE).payload(bytes("old")).send();
        Mqtt5BlockingClient member = broker.v5("member");
        try (var in = member.publishes(MqttGlobalPublishFilter.ALL)) {
            member.subscribeWith().topicFilter("$share/g/shared/#").qos(MqttQos.AT_LEAST_ONCE).send();
            pub.publishWith().topic("shared/marker").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("marker")).send();
            // The first message is the marker published after the subscription, not the retained one.
            assertThat(text(in.receive(15, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes())).isEqualTo("marker");
        }
    }

    @Test
    void unsubscribingLeavesTheGroup() throws Exception {
        Mqtt5BlockingClient a = broker.v5("leaver");
        Mqtt5BlockingClient b = broker.v5("stayer");
        try (var inB = b.publishes(MqttGlobalPublishFilter.ALL)) {
            a.subscribeWith().topicFilter("$share/g/t").qos(MqttQos.AT_LEAST_ONCE).send();
            b.subscribeWith().topicFilter("$share/g/t").qos(MqttQos.AT_LEAST_ONCE).send();
            a.unsubscribeWith().topicFilter("$share/g/t").send();
            Mqtt5BlockingClient pub = broker.v5("pub");
            for (int i = 0; i < 5; i++) {
                pub.publishWith().topic("t").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("m" + i)).send();
            }
            for (int i = 0; i < 5; i++) {
                assertThat(text(inB.receive(15, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes())).isEqualTo("m" + i);
            }
        }
    }

    @Test
    void noLocalOnASharedSubscriptionIsAProtocolError() throws Exception {
        try (RawMqtt raw = RawMqtt.open(broker.port())) {
            assertThat(raw.connect("no-local", 5).type()).isEqualTo(2);
            byte[] subscribe = RawMqtt.subscribePacket("$share/g/t", true);
            subscribe[subscribe.length - 1] = 0x04; // options: QoS 0, No Local
            raw.send(subscribe);
            assertThat(raw.readUntilClosed()).singleElement()
                    .satisfies(p -> assertThat(p.type() == 14 && p.reasonCode() == 0x82).isTrue());
        }
    }
}
