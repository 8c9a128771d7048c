package io.polyhook.it;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static io.polyhook.it.PublishSubscribeTest.bytes;
import static io.polyhook.it.PublishSubscribeTest.text;
import static org.assertj.core.api.Assertions.assertThat;

class RetainedAndWildcardTest {

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
    void retainedMessageIsDeliveredOnSubscribeWithRetainFlag() throws Exception {
        broker.v5("pub").publishWith().topic("r/1").qos(MqttQos.AT_LEAST_ONCE).retain(true).payload(bytes("kept")).send();
        Mqtt5BlockingClient sub = broker.v5("sub");
        try (var in = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.subscribeWith().topicFilter("r/+").qos(MqttQos.AT_LEAST_ONCE).send();
            Mqtt5Publish got = in.receive(10, TimeUnit.SECONDS).orElseThrow();
            assertThat(text(got.getPayloadAsBytes())).isEqualTo("kept");
            assertThat(got.isRetain()).isTrue();
        }
    }

    @Test
    void emptyRetainedPayloadClearsTheTopic() throws Exception {
        Mqtt5BlockingClient pub = broker.v5("pub");
        pub.publishWith().topic("r/2").qos(MqttQos.AT_LEAST_ONCE).retain(true).payload(bytes("old")).send();
        pub.publishWith().topic("r/2").qos(MqttQos.AT_LEAST_ONCE).retain(true).payload(new byte[0]).send();
        Await.until("retained cleared", () -> broker.broker.retainedCount("") == 0);
        Mqtt5BlockingClient sub = broker.v5("sub");
        try (var in = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.subscribeWith().topicFilter("r/2").qos(MqttQos.AT_LEAST_ONCE).send();
            sub.subscribeWith().topicFilter("marker").qos(MqttQos.AT_LEAST_ONCE).send();
            pub.publishWith().topic("marker").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("m")).send();
            assertThat(in.receive(10, TimeUnit.SECONDS).orElseThrow().getTopic().toString()).isEqualTo("marker");
        }
    }

    @Test
    void liveMessagesToRetainAsPublishedFalseSubscribersHaveRetainCleared() throws Exception {
        Mqtt5BlockingClient sub = broker.v5("sub");
        try (var in = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.subscribeWith().topicFilter("r/3").qos(MqttQos.AT_LEAST_ONCE).send();
            broker.v5("pub").publishWith().topic("r/3").qos(MqttQos.AT_LEAST_ONCE).retain(true).payload(bytes("x")).send();
            assertThat(in.receive(10, TimeUnit.SECONDS).orElseThrow().isRetain()).isFalse();
        }
    }

    @Test
    void singleAndMultiLevelWildcardsMatch() throws Exception {
        Mqtt5BlockingClient sub = broker.v5("sub");
        Mqtt5BlockingClient pub = broker.v5("pub");
        try (var in = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.subscribeWith().topicFilter("a/+/c").qos(MqttQos.AT_LEAST_ONCE).send();
            sub.subscribeWith().topicFilter("z/#").qos(MqttQos.AT_LEAST_ONCE).send();
            for (String t : List.of("a/b/c", "a/b/d", "a/b/c/d", "z", "z/1/2", "q")) {
                pub.publishWith().topic(t).qos(MqttQos.AT_LEAST_ONCE).payload(bytes(t)).send();
            }
            pub.publishWith().topic("z/end").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("z/end")).send();
            List<String> got = new ArrayList<>();
            while (!got.contains("z/end")) {
                Optional<Mqtt5Publish> p = in.receive(10, TimeUnit.SECONDS);
                assertThat(p).isPresent();
                got.add(p.get().getTopic().toString());
            }
            assertThat(got).containsExactly("a/b/c", "z", "z/1/2", "z/end");
        }
    }

    @Test
    void wildcardAtFirstLevelDoesNotMatchDollarTopics() throws Exception {
        Mqtt5BlockingClient sub = broker.v5("sub");
        Mqtt5BlockingClient pub = broker.v5("pub");
        try (var in = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.subscribeWith().topicFilter("#").qos(MqttQos.AT_LEAST_ONCE).send();
            sub.subscribeWith().topicFilter("+/info").qos(MqttQos.AT_LEAST_ONCE).send();
            pub.publishWith().topic("$app/info").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("hidden")).send();
            pub.publishWith().topic("visible").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("visible")).send();
            assertThat(in.receive(10, TimeUnit.SECONDS).orElseThrow().getTopic().toString()).isEqualTo("visible");
        }
    }

    @Test
    void explicitDollarFilterMatchesDollarTopics() throws Exception {
        Mqtt5BlockingClient sub = broker.v5("sub");
        try (var in = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.subscribeWith().topicFilter("$app/#").qos(MqttQos.AT_LEAST_ONCE).send();
            broker.v5("pub").publishWith().topic("$app/info").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("d")).send();
            assertThat(in.receive(10, TimeUnit.SECONDS).orElseThrow().getTopic().toString()).isEqualTo("$app/info");
        }
    }
}
