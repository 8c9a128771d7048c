package io.polyhook.it;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
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

/**
 * The JavaScript example of docs/scripting.md, exactly as written there, in a broker with a real
 * MQTT 3.1.1 client (the example declares the MQTT 3 hooks).
 */
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
            Mqtt3BlockingClient alice = MqttClient.builder().useMqttVersion3().identifier("alice-1").serverHost("127.0.0.1")
                    .serverPort(broker.broker.boundPort("tcp")).buildBlocking();
            alice.connectWith().simpleAuth().username("alice").password("secret".getBytes(StandardCharsets.UTF_8))
                    .applySimpleAuth().send();
            try (Mqtt3BlockingClient.Mqtt3Publishes in = alice.publishes(MqttGlobalPublishFilter.ALL)) {
                alice.subscribeWith().topicFilter("#").qos(MqttQos.AT_LEAST_ONCE).send();
                publish(alice, "sensors/t", "{\"value\": 21.5}");
                publish(alice, "admin/x", "{\"value\": 1}");
                publish(alice, "sensors/u", "{\"value\": 22}");

                // Rewritten to in/..., and the admin/ message denied: the next one after in/sensors/t is in/sensors/u.
                assertThat(in.receive(30, TimeUnit.SECONDS)).map(p -> p.getTopic().toString()).hasValue("in/sensors/t");
                assertThat(in.receive(30, TimeUnit.SECONDS)).map(p -> p.getTopic().toString()).hasValue("in/sensors/u");
            }
            alice.disconnect();
        }
    }

    private static void publish(Mqtt3BlockingClient c, String topic, String json) {
        c.publish(Mqtt3Publish.builder().topic(topic).qos(MqttQos.AT_LEAST_ONCE)
                .payload(json.getBytes(StandardCharsets.UTF_8)).build());
    }
}
