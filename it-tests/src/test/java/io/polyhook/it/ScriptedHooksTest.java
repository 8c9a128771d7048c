package io.polyhook.it;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.polyhook.broker.config.ScriptsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.polyhook.it.PublishSubscribeTest.bytes;
import static io.polyhook.it.PublishSubscribeTest.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scripts from {@code scripts.dir} are loaded at start and their hooks run like plugin hooks.
 * Uses core-api's fake engine ({@code .fake} files) so the broker is tested apart from Lua and JS.
 */
class ScriptedHooksTest {

    @TempDir
    Path dir;

    @Test
    void scriptInTheScriptsDirectoryRewritesPublishes() throws Exception {
        Files.writeString(dir.resolve("rewrite.fake"), "auth_on_publish_m5 = modifiers topic=from/script\n");
        try (TestBroker broker = TestBroker.configured(c -> c.withScripts(
                new ScriptsConfig(dir.toString(), List.of(), 2, Duration.ofSeconds(5))))) {
            assertThat(broker.broker.scripts().list()).hasSize(1);
            Mqtt5BlockingClient sub = broker.v5("sub");
            try (var in = sub.publishes(MqttGlobalPublishFilter.ALL)) {
                sub.subscribeWith().topicFilter("from/#").qos(MqttQos.AT_LEAST_ONCE).send();
                broker.v5("pub").publishWith().topic("anything").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("s")).send();
                var got = in.receive(10, TimeUnit.SECONDS).orElseThrow();
                assertThat(got.getTopic().toString()).isEqualTo("from/script");
                assertThat(text(got.getPayloadAsBytes())).isEqualTo("s");
            }
        }
    }

    @Test
    void brokenScriptIsSkippedAndTheBrokerStartsUnderOnLoadErrorWarn() throws Exception {
        Files.writeString(dir.resolve("broken.fake"), "fail-load syntax error near 'end'\n");
        Files.writeString(dir.resolve("good.fake"), "on_client_gone = ok\n");
        try (TestBroker broker = TestBroker.configured(c -> c.withScripts(
                new ScriptsConfig(dir.toString(), List.of(), 2, Duration.ofSeconds(5))
                        .withOnLoadError(io.polyhook.broker.config.OnLoadError.WARN)))) {
            assertThat(broker.broker.scripts().list()).hasSize(1);
            assertThat(broker.v5("c").getState().isConnected()).isTrue();
        }
    }
}
