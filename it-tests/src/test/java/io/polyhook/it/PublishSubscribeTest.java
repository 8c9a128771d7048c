package io.polyhook.it;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class PublishSubscribeTest {

    private TestBroker broker;

    @BeforeEach
    void start() {
        broker = TestBroker.start();
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    @ParameterizedTest
    @EnumSource(MqttQos.class)
    void mqtt5MessageReachesMqtt5SubscriberAtEachQos(MqttQos qos) throws Exception {
        Mqtt5BlockingClient sub = broker.v5("sub");
        Mqtt5BlockingClient pub = broker.v5("pub");
        try (Mqtt5BlockingClient.Mqtt5Publishes in = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.subscribeWith().topicFilter("t/" + qos).qos(qos).send();
            pub.publishWith().topic("t/" + qos).qos(qos).payload(bytes("hello " + qos)).send();
            Optional<Mqtt5Publish> got = in.receive(10, TimeUnit.SECONDS);
            assertThat(got).isPresent();
            assertThat(text(got.get().getPayloadAsBytes())).isEqualTo("hello " + qos);
            assertThat(got.get().getQos()).isEqualTo(qos);
        }
    }

    @ParameterizedTest
    @EnumSource(MqttQos.class)
    void mqtt311MessageReachesMqtt311SubscriberAtEachQos(MqttQos qos) throws Exception {
        Mqtt3BlockingClient sub = broker.v3("sub3");
        Mqtt3BlockingClient pub = broker.v3("pub3");
        try (Mqtt3BlockingClient.Mqtt3Publishes in = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.subscribeWith().topicFilter("t3/" + qos).qos(qos).send();
            pub.publishWith().topic("t3/" + qos).qos(qos).payload(bytes("hi " + qos)).send();
            Optional<Mqtt3Publish> got = in.receive(10, TimeUnit.SECONDS);
            assertThat(got).isPresent();
            assertThat(text(got.get().getPayloadAsBytes())).isEqualTo("hi " + qos);
            assertThat(got.get().getQos()).isEqualTo(qos);
        }
    }

    @Test
    void messagesCrossProtocolVersions() throws Exception {
        Mqtt3BlockingClient sub3 = broker.v3("sub3");
        Mqtt5BlockingClient sub5 = broker.v5("sub5");
        try (var in3 = sub3.publishes(MqttGlobalPublishFilter.ALL); var in5 = sub5.publishes(MqttGlobalPublishFilter.ALL)) {
            sub3.subscribeWith().topicFilter("x/#").qos(MqttQos.AT_LEAST_ONCE).send();
            sub5.subscribeWith().topicFilter("x/#").qos(MqttQos.AT_LEAST_ONCE).send();
            broker.v5("pub5").publishWith().topic("x/5").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("from5")).send();
            broker.v3("pub3").publishWith().topic("x/3").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("from3")).send();
            assertThat(text(in3.receive(10, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes())).isEqualTo("from5");
            assertThat(text(in3.receive(10, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes())).isEqualTo("from3");
            assertThat(text(in5.receive(10, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes())).isEqualTo("from5");
            assertThat(text(in5.receive(10, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes())).isEqualTo("from3");
        }
    }

    @Test
    void deliveryQosIsTheLowerOfPublishAndSubscription() throws Exception {
        Mqtt5BlockingClient sub = broker.v5("sub");
        try (var in = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.subscribeWith().topicFilter("q").qos(MqttQos.AT_MOST_ONCE).send();
            broker.v5("pub").publishWith().topic("q").qos(MqttQos.EXACTLY_ONCE).payload(bytes("x")).send();
            assertThat(in.receive(10, TimeUnit.SECONDS).orElseThrow().getQos()).isEqualTo(MqttQos.AT_MOST_ONCE);
        }
    }

    @Test
    void unsubscribedClientReceivesNothingMore() throws Exception {
        Mqtt5BlockingClient sub = broker.v5("sub");
        Mqtt5BlockingClient pub = broker.v5("pub");
        try (var in = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.subscribeWith().topicFilter("u").qos(MqttQos.AT_LEAST_ONCE).send();
            var unsuback = sub.unsubscribeWith().topicFilter("u").send();
            assertThat(unsuback.getReasonCodes()).hasSize(1);
            pub.publishWith().topic("u").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("lost")).send();
            sub.subscribeWith().topicFilter("marker").qos(MqttQos.AT_LEAST_ONCE).send();
            pub.publishWith().topic("marker").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("m")).send();
            // Per-publisher ordering: the marker arrives; "lost" would have come before it.
            assertThat(in.receive(10, TimeUnit.SECONDS).orElseThrow().getTopic().toString()).isEqualTo("marker");
        }
        assertThat(broker.broker.subscriptionCount("")).isEqualTo(1);
    }

    @Test
    void messagesOfOnePublisherArriveInOrder() throws Exception {
        Mqtt5BlockingClient sub = broker.v5("sub");
        Mqtt5BlockingClient pub = broker.v5("pub");
        try (var in = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.subscribeWith().topicFilter("o").qos(MqttQos.AT_LEAST_ONCE).send();
            for (int i = 0; i < 200; i++) {
                pub.toAsync().publishWith().topic("o").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("" + i)).send();
            }
            for (int i = 0; i < 200; i++) {
                assertThat(text(in.receive(10, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes())).isEqualTo("" + i);
            }
        }
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
