package io.polyhook.it;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import io.polyhook.broker.config.BrokerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static io.polyhook.it.PublishSubscribeTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scripts written for VerneMQ 2 (luerl, Lua 5.3) in a broker started from a config that says no
 * more than {@code scripts.dir}, against real MQTT clients.
 */
class Lua53ScriptsTest {

    @TempDir
    Path dir;

    private static final String ALLOW_CONNECT_AND_SUBSCRIBE = """
            function auth_on_register(reg) return true end
            function auth_on_subscribe(sub) return true end
            hooks = { auth_on_register = auth_on_register, auth_on_register_m5 = auth_on_register,
                      auth_on_subscribe = auth_on_subscribe, auth_on_subscribe_m5 = auth_on_subscribe }
            """;

    /** A broker whose scripts section is parsed from {@code scripts: { dir: ... }} alone, as a user writes it. */
    private TestBroker start() {
        BrokerConfig parsed = BrokerConfig.parse("scripts: { dir: \"" + dir.toString().replace("\\", "/") + "\" }");
        return TestBroker.configured(c -> c.withBroker(c.broker().withAllowAnonymous(true)).withScripts(parsed.scripts()));
    }

    private void script(String name, String text) throws IOException {
        Files.writeString(dir.resolve(name), text);
    }

    private static Mqtt5PubAckReasonCode publishQos1(Mqtt5BlockingClient c, String topic, byte[] payload) {
        try {
            Mqtt5PublishResult r = c.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(payload).send();
            return ((Mqtt5PublishResult.Mqtt5Qos1Result) r).getPubAck().getReasonCode();
        } catch (Mqtt5PubAckException e) {
            return e.getMqttMessage().getReasonCode();
        }
    }

    @Test
    void aScriptWithLua53OperatorsAndLibrariesDecidesPublishes() throws Exception {
        script("a.lua", ALLOW_CONNECT_AND_SUBSCRIBE);
        script("b.lua", """
                local MAX_PAYLOAD = 1 << 4
                function auth_on_publish(pub)
                    return #pub.payload & ~(MAX_PAYLOAD - 1) == 0 and utf8.len(pub.topic) // 2 >= 2
                end
                hooks = { auth_on_publish = auth_on_publish, auth_on_publish_m5 = auth_on_publish }
                """);
        try (TestBroker broker = start()) {
            Mqtt5BlockingClient c = broker.v5("lua53");
            assertThat(publishQos1(c, "tempé", new byte[15])).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
            assertThat(publishQos1(c, "tempé", new byte[16])).isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED);
            assertThat(publishQos1(c, "t", new byte[1])).isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED);
        }
    }

    @Test
    void aScriptWithoutNumStatesRunsItsTopLevelCodeOnce() throws Exception {
        script("a.lua", ALLOW_CONNECT_AND_SUBSCRIBE);
        script("b.lua", """
                kv.ensure_table{name = "loads", type = "bag"}
                kv.insert("loads", {runs = __SCRIPT_INSTANCE_ID__})
                function auth_on_publish(pub)
                    if pub.topic == "count" then return { topic = "loads/" .. #kv.lookup("loads", "runs") } end
                    return true
                end
                hooks = { auth_on_publish = auth_on_publish, auth_on_publish_m5 = auth_on_publish }
                """);
        try (TestBroker broker = start()) {
            Mqtt5BlockingClient subscriber = broker.v5("subscriber");
            try (Mqtt5BlockingClient.Mqtt5Publishes received = subscriber.publishes(MqttGlobalPublishFilter.ALL)) {
                subscriber.subscribeWith().topicFilter("loads/#").qos(MqttQos.AT_LEAST_ONCE).send();
                assertThat(publishQos1(broker.v5("publisher"), "count", bytes("?"))).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
                Mqtt5Publish message = received.receive(30, TimeUnit.SECONDS).orElseThrow();
                assertThat(message.getTopic().toString()).isEqualTo("loads/1");
            }
        }
    }
}
