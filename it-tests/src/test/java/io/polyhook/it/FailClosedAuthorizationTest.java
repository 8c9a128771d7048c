package io.polyhook.it;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscribe;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscription;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import io.polyhook.broker.config.NoMatch;
import io.polyhook.broker.config.ScriptsConfig;
import io.polyhook.core.hook.internal.HandlerStats;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.Plugin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.polyhook.it.PublishSubscribeTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14 item 1, as an attacker does it: an authorization handler that fails never widens
 * access, whatever {@code broker.no_match} says. Each broker here runs with anonymous clients
 * and {@code no_match: allow} on purpose, the setting under which a failure used to be allowed.
 */
class FailClosedAuthorizationTest {

    /** A typical level-matching ACL script: a client may subscribe under {@code a/} only. */
    private static final String ACL_SCRIPT = """
            local function levels(s)
                local out = {}
                for level in string.gmatch(s .. "/", "([^/]*)/") do
                    out[#out + 1] = level
                end
                return out
            end

            local ALLOWED = levels("a/#")

            -- Whether every level of the filter is granted by the pattern.
            local function matches(pattern, filter)
                for i, p in ipairs(pattern) do
                    if p == "#" then
                        return true
                    end
                    local f = filter[i]
                    if f == nil or f == "#" or (p ~= "+" and p ~= f) then
                        return false
                    end
                end
                return #filter == #pattern
            end

            function auth_on_subscribe(sub)
                for _, t in ipairs(sub.topics) do
                    if not matches(ALLOWED, levels(t[1])) then
                        return false
                    end
                end
                return true
            end

            hooks = { auth_on_subscribe = auth_on_subscribe, auth_on_subscribe_m5 = auth_on_subscribe }
            """;

    private static final int FILTERS = 25_000;

    @TempDir
    Path dir;

    @Test
    void aSubscribeThatMakesTheAclScriptRunOutOfItsBudgetIsNotGrantedEverything() throws Exception {
        Files.writeString(dir.resolve("acl.lua"), ACL_SCRIPT);
        // The budget the issue measured against, set here so the test does not depend on the default.
        Map<String, Map<String, Object>> lua = Map.of("lua", Map.of("sandbox", Map.of("instruction_limit", 1_000_000L)));
        try (TestBroker broker = TestBroker.configured(c -> c
                .withBroker(c.broker().withAllowAnonymous(true).withNoMatch(NoMatch.ALLOW))
                .withScripts(new ScriptsConfig(dir.toString(), List.of(), 1, Duration.ofSeconds(30), lua)))) {
            Mqtt5BlockingClient attacker = broker.v5("attacker");
            attacker.subscribeWith().topicFilter("a/marker").qos(MqttQos.AT_LEAST_ONCE).send();

            List<Mqtt5Subscription> filters = new ArrayList<>();
            for (int i = 0; i < FILTERS; i++) {
                filters.add(Mqtt5Subscription.builder().topicFilter("a/x/y/z").qos(MqttQos.AT_MOST_ONCE).build());
            }
            filters.add(Mqtt5Subscription.builder().topicFilter("#").qos(MqttQos.AT_MOST_ONCE).build());
            Mqtt5Subscribe request = Mqtt5Subscribe.builder().addSubscriptions(filters).build();

            assertThat(subscribeCodes(attacker, request)).hasSize(FILTERS + 1)
                    .allSatisfy(code -> assertThat(code.isError()).as(code.toString()).isTrue());
            HandlerStats.Snapshot stats = broker.broker.scripts().stats(dir.resolve("acl.lua")).stream()
                    .filter(s -> s.hook().equals("auth_on_subscribe_m5")).findFirst().orElseThrow();
            assertThat(stats.errors()).as("the script ran out of its budget").isEqualTo(1);
            assertThat(stats.failedClosed()).isEqualTo(1);
            assertThat(broker.broker.subscriptionCount("")).as("only a/marker").isEqualTo(1);

            assertOnlyTheMarkerArrives(broker, attacker);
        }
    }

    @Test
    void aJavaHandlerThatRunsOutOfMemoryDeniesTheSubscribeAndTheBrokerGoesOn() throws Exception {
        Plugin oom = ctx -> ctx.hooks().register(Hooks.AUTH_ON_SUBSCRIBE_M5, sc -> {
            if (sc.topics().stream().anyMatch(t -> t.filter().equals("#"))) {
                throw new OutOfMemoryError("Java heap space");
            }
            return io.polyhook.spi.Verdict.ok();
        });
        try (TestBroker broker = TestBroker.configured(c -> c
                .withBroker(c.broker().withAllowAnonymous(true).withNoMatch(NoMatch.ALLOW)), oom)) {
            Mqtt5BlockingClient attacker = broker.v5("attacker");
            attacker.subscribeWith().topicFilter("a/marker").qos(MqttQos.AT_LEAST_ONCE).send();

            assertThat(subscribeCodes(attacker, Mqtt5Subscribe.builder().topicFilter("#").qos(MqttQos.AT_MOST_ONCE).build()))
                    .containsExactly(Mqtt5SubAckReasonCode.NOT_AUTHORIZED);
            assertThat(broker.broker.hooks().statistics().snapshot(broker.broker.hooks().handlers(Hooks.AUTH_ON_SUBSCRIBE_M5)
                    .getFirst())).singleElement().satisfies(s -> {
                        assertThat(s.errors()).isEqualTo(1);
                        assertThat(s.failedClosed()).isEqualTo(1);
                    });

            assertOnlyTheMarkerArrives(broker, attacker);
        }
    }

    /** Another user's message does not reach the attacker; a message on its own topic still does. */
    private static void assertOnlyTheMarkerArrives(TestBroker broker, Mqtt5BlockingClient attacker) throws Exception {
        try (var in = attacker.publishes(MqttGlobalPublishFilter.ALL)) {
            Mqtt5BlockingClient victim = broker.v5("victim");
            victim.publishWith().topic("users/victim/secret").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("secret")).send();
            victim.publishWith().topic("a/marker").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("marker")).send();

            Mqtt5Publish first = in.receive(Await.LONG.toSeconds(), TimeUnit.SECONDS).orElseThrow();
            assertThat(first.getTopic().toString()).isEqualTo("a/marker");
        }
    }

    private static List<Mqtt5SubAckReasonCode> subscribeCodes(Mqtt5BlockingClient c, Mqtt5Subscribe request) {
        try {
            return c.subscribe(request).getReasonCodes();
        } catch (Mqtt5SubAckException e) {
            return e.getMqttMessage().getReasonCodes();
        }
    }
}
