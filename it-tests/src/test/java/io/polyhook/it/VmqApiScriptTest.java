package io.polyhook.it;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.polyhook.broker.config.ScriptsConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.polyhook.it.PublishSubscribeTest.bytes;
import static io.polyhook.it.PublishSubscribeTest.text;
import static org.assertj.core.api.Assertions.assertThat;

/** The vmq_api library (vmq_diversity §2.16, plus publish) called from a Lua script. */
@ExtendWith(NettyLeakGuard.class)
class VmqApiScriptTest {

    private static final String SCRIPT = """
            function auth_on_publish(pub)
              if pub.topic == "cmd/kick" then
                vmq_api.disconnect_by_subscriber_id({mountpoint = "", client_id = pub.payload}, {do_cleanup = false})
              elseif pub.topic == "cmd/echo" then
                vmq_api.publish("echo/out", pub.payload, 1, false, {p_user_property = {{via = "vmq_api"}}})
              end
              return true
            end
            hooks = { auth_on_publish = auth_on_publish, auth_on_publish_m5 = auth_on_publish }
            """;

    @TempDir
    Path dir;
    private TestBroker broker;

    @BeforeEach
    void start() throws Exception {
        Files.writeString(dir.resolve("api.lua"), SCRIPT);
        broker = TestBroker.configured(c -> c.withScripts(new ScriptsConfig(dir.toString(), List.of(), 2, Duration.ofSeconds(5))));
        assertThat(broker.broker.scripts().list()).hasSize(1);
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    @Test
    void publishFromAScriptReachesSubscribersWithItsProperties() throws Exception {
        Mqtt5BlockingClient sub = broker.v5("echo-reader");
        try (var in = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.subscribeWith().topicFilter("echo/out").qos(MqttQos.AT_LEAST_ONCE).send();
            broker.v5("caller").publishWith().topic("cmd/echo").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("ping")).send();
            var got = in.receive(15, TimeUnit.SECONDS).orElseThrow();
            assertThat(text(got.getPayloadAsBytes())).isEqualTo("ping");
            assertThat(got.getUserProperties().asList()).anySatisfy(p -> {
                assertThat(p.getName().toString()).isEqualTo("via");
                assertThat(p.getValue().toString()).isEqualTo("vmq_api");
            });
        }
    }

    @Test
    void disconnectBySubscriberIdFromAScriptEndsThatClient() {
        Mqtt5BlockingClient victim = broker.v5("victim");
        broker.v5("admin").publishWith().topic("cmd/kick").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("victim")).send();
        Await.until("the victim is disconnected", () -> !victim.getState().isConnected());
    }
}
