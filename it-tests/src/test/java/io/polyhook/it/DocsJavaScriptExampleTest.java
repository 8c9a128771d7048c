package io.polyhook.it;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import io.polyhook.broker.config.ScriptsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The JavaScript example of docs/scripting.md, exactly as written there, in a broker with real clients. */
class DocsJavaScriptExampleTest {

    @TempDir
    Path dir;

    static String example() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "scripting.md"));
        Matcher m = Pattern.compile("## JavaScript\\R(?:.*\\R)*?```js\\R((?:.*\\R)*?)```").matcher(doc);
        assertThat(m.find()).as("docs/scripting.md has a js block under ## JavaScript").isTrue();
        return m.group(1);
    }

    @Test
    void theExampleLoadsAuthenticatesRewritesAndDenies() throws Exception {
        Files.writeString(dir.resolve("example.js"), example());
        try (TestBroker broker = TestBroker.configured(c -> c.withBroker(c.broker().withAllowAnonymous(false))
                .withScripts(new ScriptsConfig(dir.toString(), List.of(), 1, Duration.ofSeconds(5))))) {
            Mqtt5BlockingClient alice = MqttClient.builder().useMqttVersion5().identifier("alice-1").serverHost("127.0.0.1")
                    .serverPort(broker.broker.boundPort("tcp")).buildBlocking();
            alice.connectWith().simpleAuth().username("alice").password("secret".getBytes(StandardCharsets.UTF_8))
                    .applySimpleAuth().send();
            try (Mqtt5BlockingClient.Mqtt5Publishes in = alice.publishes(MqttGlobalPublishFilter.ALL)) {
                alice.subscribeWith().topicFilter("in/#").qos(MqttQos.AT_LEAST_ONCE).send();
                alice.publishWith().topic("sensors/t").qos(MqttQos.AT_LEAST_ONCE)
                        .payload("{\"value\": 21.5}".getBytes(StandardCharsets.UTF_8)).send();
                assertThat(in.receive(30, TimeUnit.SECONDS)).hasValueSatisfying(
                        p -> assertThat(p.getTopic().toString()).isEqualTo("in/sensors/t"));
            }
            Mqtt5PubAckReasonCode code;
            try {
                var r = alice.publishWith().topic("admin/x").qos(MqttQos.AT_LEAST_ONCE)
                        .payload("{}".getBytes(StandardCharsets.UTF_8)).send();
                code = ((com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult.Mqtt5Qos1Result) r).getPubAck()
                        .getReasonCode();
            } catch (com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException e) {
                code = e.getMqttMessage().getReasonCode();
            }
            assertThat(code).isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED);
            alice.disconnect();
        }
    }
}
