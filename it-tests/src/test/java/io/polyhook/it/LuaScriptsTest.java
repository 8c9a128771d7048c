package io.polyhook.it;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3SubAckException;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.suback.Mqtt3SubAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import io.polyhook.broker.config.NoMatch;
import io.polyhook.broker.config.ScriptsConfig;
import io.polyhook.core.hook.internal.HandlerStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.polyhook.it.PublishSubscribeTest.bytes;
import static io.polyhook.it.PublishSubscribeTest.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Real Lua scripts (LuaJ, with the distribution's libraries) from {@code scripts.dir}, against
 * real MQTT clients; {@code broker.allow_anonymous} is off so that {@code auth_on_register} runs.
 */
class LuaScriptsTest {

    @TempDir
    Path dir;

    /** Lets everyone in, so that tests of other hooks have connected clients. */
    static final String ALLOW_REGISTER = """
            function auth_on_register(reg) return true end
            hooks = { auth_on_register = auth_on_register, auth_on_register_m5 = auth_on_register }
            """;

    private TestBroker start() {
        return TestBroker.configured(c -> c.withBroker(c.broker().withAllowAnonymous(false))
                .withScripts(new ScriptsConfig(dir.toString(), List.of(), 2, Duration.ofSeconds(5))));
    }

    private void script(String name, String text) throws IOException {
        Files.writeString(dir.resolve(name), text);
    }

    private static Mqtt5PubAckReasonCode publishQos1(Mqtt5BlockingClient c, String topic, String payload) {
        try {
            Mqtt5PublishResult r = c.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(bytes(payload)).send();
            return ((Mqtt5PublishResult.Mqtt5Qos1Result) r).getPubAck().getReasonCode();
        } catch (Mqtt5PubAckException e) {
            return e.getMqttMessage().getReasonCode();
        }
    }

    @Test
    void registerAllowsTheKnownUserWithItsPassword() throws Exception {
        script("auth.lua", """
                function auth_on_register(reg)
                    return reg.username == "alice" and reg.password == "secret"
                end
                hooks = { auth_on_register = auth_on_register, auth_on_register_m5 = auth_on_register }
                """);
        try (TestBroker broker = start()) {
            Mqtt5BlockingClient alice = broker.v5Builder("alice-1").simpleAuth().username("alice")
                    .password(bytes("secret")).applySimpleAuth().buildBlocking();
            broker.track(alice);
            alice.connect();
            assertThat(alice.getState().isConnected()).isTrue();
        }
    }

    @Test
    void registerRefusesAWrongPasswordAndOtherUsers() throws Exception {
        script("auth.lua", """
                function auth_on_register(reg)
                    return reg.username == "alice" and reg.password == "secret"
                end
                hooks = { auth_on_register = auth_on_register, auth_on_register_m5 = auth_on_register }
                """);
        try (TestBroker broker = start()) {
            Mqtt5BlockingClient wrong = broker.v5Builder("alice-2").simpleAuth().username("alice")
                    .password(bytes("guess")).applySimpleAuth().buildBlocking();
            assertThatThrownBy(wrong::connect).isInstanceOfSatisfying(Mqtt5ConnAckException.class, e ->
                    assertThat(e.getMqttMessage().getReasonCode().isError()).isTrue());
            Mqtt3BlockingClient bob = broker.v3Unconnected("bob-1");
            assertThatThrownBy(() -> bob.connectWith().simpleAuth().username("bob").password(bytes("secret"))
                    .applySimpleAuth().send()).isInstanceOf(Mqtt3ConnAckException.class);
        }
    }

    @Test
    void publishToADeniedTopicGetsPubAckNotAuthorized() throws Exception {
        script("a.lua", ALLOW_REGISTER);
        script("b.lua", """
                function auth_on_publish(pub)
                    if pub.topic == "forbidden/x" then return false end
                    return true
                end
                hooks = { auth_on_publish = auth_on_publish, auth_on_publish_m5 = auth_on_publish }
                """);
        try (TestBroker broker = start()) {
            Mqtt5BlockingClient c = broker.v5("c");
            assertThat(publishQos1(c, "forbidden/x", "no")).isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED);
            assertThat(publishQos1(c, "allowed/x", "yes")).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
        }
    }

    @Test
    void publishIsRewrittenByTheScript() throws Exception {
        script("a.lua", ALLOW_REGISTER);
        script("b.lua", """
                function auth_on_publish(pub)
                    if pub.topic == "rewrite/me" then return { topic = "rewritten/" .. pub.client_id } end
                    return true
                end
                hooks = { auth_on_publish = auth_on_publish, auth_on_publish_m5 = auth_on_publish }
                """);
        try (TestBroker broker = start()) {
            Mqtt5BlockingClient sub = broker.v5("sub");
            try (var in = sub.publishes(MqttGlobalPublishFilter.ALL)) {
                sub.subscribeWith().topicFilter("rewritten/#").qos(MqttQos.AT_LEAST_ONCE).send();
                broker.v5("pub").publishWith().topic("rewrite/me").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("moved")).send();
                var got = in.receive(10, TimeUnit.SECONDS).orElseThrow();
                assertThat(got.getTopic().toString()).isEqualTo("rewritten/pub");
                assertThat(text(got.getPayloadAsBytes())).isEqualTo("moved");
            }
        }
    }

    @Test
    void subscribeRejectsOneFilterWithQos128() throws Exception {
        script("a.lua", ALLOW_REGISTER);
        script("b.lua", """
                function auth_on_subscribe(sub)
                    local out = {}
                    for i, t in ipairs(sub.topics) do
                        if string.sub(t[1], 1, 7) == "secret/" then
                            out[i] = { t[1], 128 }
                        else
                            out[i] = { t[1], t[2] }
                        end
                    end
                    return out
                end
                hooks = { auth_on_subscribe = auth_on_subscribe }
                """);
        try (TestBroker broker = start()) {
            Mqtt3BlockingClient c = broker.v3("c");
            List<Mqtt3SubAckReturnCode> codes;
            try {
                codes = c.subscribeWith()
                        .addSubscription().topicFilter("open/#").qos(MqttQos.AT_LEAST_ONCE).applySubscription()
                        .addSubscription().topicFilter("secret/#").qos(MqttQos.AT_LEAST_ONCE).applySubscription()
                        .send().getReturnCodes();
            } catch (Mqtt3SubAckException e) {
                codes = e.getMqttMessage().getReturnCodes();
            }
            assertThat(codes).containsExactly(Mqtt3SubAckReturnCode.SUCCESS_MAXIMUM_QOS_1, Mqtt3SubAckReturnCode.FAILURE);
            assertThat(broker.broker.subscriptionCount("")).isEqualTo(1);
        }
    }

    @Test
    void kvJsonAndLogWorkTogetherAcrossHooks() throws Exception {
        // auth_on_register remembers the client's user as JSON in a kv table; auth_on_publish reads
        // it back and stamps it into the payload.
        script("a.lua", """
                kv.ensure_table({ name = "users" })
                function auth_on_register(reg)
                    local row = {}
                    row[reg.client_id] = json.encode({ user = reg.username or "anonymous" })
                    kv.insert("users", row)
                    log.info("remembered " .. reg.client_id)
                    return true
                end
                function auth_on_publish(pub)
                    local found = kv.lookup("users", pub.client_id)
                    local who = json.decode(found[1])
                    log.debug("publish by " .. who.user)
                    return { payload = json.encode({ by = who.user, text = pub.payload }) }
                end
                hooks = { auth_on_register = auth_on_register, auth_on_register_m5 = auth_on_register,
                          auth_on_publish = auth_on_publish, auth_on_publish_m5 = auth_on_publish }
                """);
        try (TestBroker broker = start()) {
            Mqtt5BlockingClient sub = broker.v5("sub");
            try (var in = sub.publishes(MqttGlobalPublishFilter.ALL)) {
                sub.subscribeWith().topicFilter("t").qos(MqttQos.AT_LEAST_ONCE).send();
                Mqtt5BlockingClient pub = broker.v5Builder("pub").simpleAuth().username("carol").applySimpleAuth()
                        .buildBlocking();
                broker.track(pub);
                pub.connect();
                pub.publishWith().topic("t").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("hi")).send();
                var got = in.receive(10, TimeUnit.SECONDS).orElseThrow();
                assertThat(new String(got.getPayloadAsBytes(), StandardCharsets.UTF_8))
                        .isEqualTo("{\"by\":\"carol\",\"text\":\"hi\"}");
            }
        }
    }

    @Test
    void endlessLoopInAuthOnPublishIsStoppedAndOtherClientsAreServed() throws Exception {
        script("a.lua", ALLOW_REGISTER);
        script("b.lua", """
                function auth_on_publish(pub)
                    if pub.topic == "loop" then
                        while true do end
                    end
                    return true
                end
                hooks = { auth_on_publish = auth_on_publish, auth_on_publish_m5 = auth_on_publish }
                """);
        try (TestBroker broker = start()) {
            // The stopped call is a failed handler and nobody after it allows: that publish is denied.
            Mqtt5BlockingClient looper = broker.v5("looper");
            assertThat(publishQos1(looper, "loop", "x")).isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED);

            Mqtt5BlockingClient sub = broker.v5("sub");
            try (var in = sub.publishes(MqttGlobalPublishFilter.ALL)) {
                sub.subscribeWith().topicFilter("normal").qos(MqttQos.AT_LEAST_ONCE).send();
                broker.v5("other").publishWith().topic("normal").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("ok")).send();
                assertThat(text(in.receive(10, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes())).isEqualTo("ok");
            }
            HandlerStats.Snapshot stats = broker.broker.scripts().stats(dir.resolve("b.lua")).stream()
                    .filter(s -> s.hook().equals("auth_on_publish_m5")).findFirst().orElseThrow();
            assertThat(stats.errors() + stats.timeouts()).isEqualTo(1);
            // The looping client itself is still served.
            assertThat(publishQos1(looper, "normal", "again")).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
        }
    }

    @Test
    void endlessLoopIsDeniedEvenWithNoMatchAllow() throws Exception {
        script("a.lua", ALLOW_REGISTER);
        script("b.lua", """
                function auth_on_publish(pub)
                    while true do end
                end
                hooks = { auth_on_publish_m5 = auth_on_publish }
                """);
        try (TestBroker broker = TestBroker.configured(c -> c
                .withBroker(c.broker().withAllowAnonymous(false).withNoMatch(NoMatch.ALLOW))
                .withScripts(new ScriptsConfig(dir.toString(), List.of(), 2, Duration.ofSeconds(5))))) {
            assertThat(publishQos1(broker.v5("looper"), "loop", "x")).isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED);
        }
    }

    @Test
    void aScriptThatFailsToLoadStopsTheStartByDefault() throws Exception {
        script("a.lua", ALLOW_REGISTER);
        script("broken.lua", "function auth_on_register(reg)\n  return true\n-- missing end\nhooks = {}\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(this::start)
                .isInstanceOf(io.polyhook.broker.ScriptsNotLoadedException.class)
                .hasMessageContaining("broken.lua:").hasMessageContaining("scripts.on_load_error: warn");
    }

    @Test
    void aScriptThatFailsToLoadIsSkippedAndTheBrokerStartsUnderOnLoadErrorWarn() throws Exception {
        script("a.lua", ALLOW_REGISTER);
        script("broken.lua", "function auth_on_register(reg)\n  return true\n-- missing end\nhooks = {}\n");
        try (TestBroker broker = TestBroker.configured(c -> c
                .withBroker(c.broker().withAllowAnonymous(false))
                .withScripts(new ScriptsConfig(dir.toString(), List.of(), 2, Duration.ofSeconds(5))
                        .withOnLoadError(io.polyhook.broker.config.OnLoadError.WARN)))) {
            assertThat(broker.broker.scripts().list()).extracting(s -> s.path().getFileName().toString())
                    .containsExactly("a.lua");
            assertThat(broker.v5("c").getState().isConnected()).isTrue();
        }
    }

    @Test
    void theDefaultLogConnectionsScriptLoadsAndDecidesNothing() throws Exception {
        Files.copy(Path.of("..", "scripts", "log_connections.lua"), dir.resolve("log_connections.lua"));
        try (TestBroker broker = TestBroker.configured(c -> c.withScripts(
                new ScriptsConfig(dir.toString(), List.of(), 2, Duration.ofSeconds(5))))) {
            assertThat(broker.broker.scripts().list()).singleElement()
                    .satisfies(s -> assertThat(s.hooks()).contains("on_register", "on_client_gone"));
            Mqtt5BlockingClient c = broker.v5("c");
            c.disconnect();
            Await.until("on_register and on_client_gone ran without errors", () -> {
                List<HandlerStats.Snapshot> stats = broker.broker.scripts().stats(dir.resolve("log_connections.lua"));
                long calls = stats.stream().filter(s -> s.hook().equals("on_register_m5") || s.hook().equals("on_client_gone"))
                        .mapToLong(HandlerStats.Snapshot::calls).sum();
                return calls >= 2;
            });
            assertThat(broker.broker.scripts().stats(dir.resolve("log_connections.lua")))
                    .allSatisfy(s -> assertThat(s.errors()).isZero());
        }
    }
}
