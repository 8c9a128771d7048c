package io.polyhook.it;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3SubAckException;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.suback.Mqtt3SubAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import io.polyhook.broker.config.ScriptsConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.polyhook.it.PublishSubscribeTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14 items 2 and 3 with real clients: auth-cache ACLs with {@code %c} never let a client
 * id become a wildcard or a level separator, and a {@code +} in a pattern never grants a
 * {@code #}. Every client registers through a script that caches, for itself, the publish ACLs
 * {@code devices/%c/#} and {@code shared/#} and the subscribe ACLs {@code devices/%c/#} and
 * {@code shared/+}.
 */
class AuthCacheAclTest {

    private static final String SCRIPT = """
            function auth_on_register(reg)
                auth_cache.insert(reg.mountpoint, reg.client_id, reg.username or "",
                                  {{pattern = "devices/%c/#"}, {pattern = "shared/#"}},
                                  {{pattern = "devices/%c/#"}, {pattern = "shared/+"}})
                return true
            end
            hooks = { auth_on_register = auth_on_register, auth_on_register_m5 = auth_on_register }
            """;

    @TempDir
    Path dir;

    private TestBroker broker;

    @BeforeEach
    void start() throws Exception {
        Files.writeString(dir.resolve("acl.lua"), SCRIPT);
        // Anonymous access off, so that auth_on_register runs for every client and caches its ACLs.
        broker = TestBroker.configured(c -> c.withBroker(c.broker().withAllowAnonymous(false))
                .withScripts(new ScriptsConfig(dir.toString(), List.of(), 1, Duration.ofSeconds(5))));
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    @ParameterizedTest(name = "client id ''{0}'' subscribing {1}")
    @CsvSource(delimiter = '|', textBlock = """
            +    | devices/+/#
            +    | devices/+/state
            '#'  | devices/#
            a/b  | devices/a/#
            a/b  | devices/a/b/state
            """)
    void aClientIdIsNeverAWildcardOrALevelSeparator(String clientId, String filter) {
        Mqtt5BlockingClient attacker = broker.v5(clientId);

        assertThat(subscribe(attacker, filter)).containsExactly(Mqtt5SubAckReasonCode.NOT_AUTHORIZED);
        assertThat(broker.broker.subscriptionCount("")).isZero();
    }

    @Test
    void anMqtt311ClientCalledPlusIsNotGrantedEveryDevice() {
        Mqtt3BlockingClient attacker = broker.v3("+");
        List<Mqtt3SubAckReturnCode> codes;
        try {
            codes = attacker.subscribeWith().topicFilter("devices/+/#").qos(MqttQos.AT_MOST_ONCE).send().getReturnCodes();
        } catch (Mqtt3SubAckException e) {
            codes = e.getMqttMessage().getReturnCodes();
        }
        assertThat(codes).containsExactly(Mqtt3SubAckReturnCode.FAILURE);
        assertThat(broker.broker.subscriptionCount("")).isZero();
    }

    @Test
    void anOrdinaryClientIdStillGetsItsOwnDevice() throws Exception {
        Mqtt5BlockingClient owner = broker.v5("dev-2");
        try (var in = owner.publishes(MqttGlobalPublishFilter.ALL)) {
            assertThat(subscribe(owner, "devices/dev-2/#")).containsExactly(Mqtt5SubAckReasonCode.GRANTED_QOS_1);
            owner.publishWith().topic("devices/dev-2/state").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("on")).send();

            assertThat(in.receive(Await.LONG.toSeconds(), TimeUnit.SECONDS).orElseThrow().getTopic().toString())
                    .isEqualTo("devices/dev-2/state");
        }
    }

    @Test
    void aOneLevelWildcardInTheAclDoesNotGrantAMultiLevelFilter() throws Exception {
        Mqtt5BlockingClient reader = broker.v5("reader");
        assertThat(subscribe(reader, "shared/+")).containsExactly(Mqtt5SubAckReasonCode.GRANTED_QOS_1);
        assertThat(subscribe(reader, "shared/#")).containsExactly(Mqtt5SubAckReasonCode.NOT_AUTHORIZED);
        assertThat(broker.broker.subscriptionCount("")).isEqualTo(1);

        try (var in = reader.publishes(MqttGlobalPublishFilter.ALL)) {
            Mqtt5BlockingClient writer = broker.v5("writer");
            writer.publishWith().topic("shared/x/deeper").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("not for shared/+")).send();
            writer.publishWith().topic("shared/marker").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("marker")).send();

            assertThat(in.receive(Await.LONG.toSeconds(), TimeUnit.SECONDS).orElseThrow().getTopic().toString())
                    .isEqualTo("shared/marker");
        }
    }

    private static List<Mqtt5SubAckReasonCode> subscribe(Mqtt5BlockingClient c, String filter) {
        try {
            return c.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send().getReasonCodes();
        } catch (Mqtt5SubAckException e) {
            return e.getMqttMessage().getReasonCodes();
        }
    }
}
