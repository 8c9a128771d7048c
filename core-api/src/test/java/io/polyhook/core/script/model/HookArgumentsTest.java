package io.polyhook.core.script.model;

import io.polyhook.spi.Bytes;
import io.polyhook.spi.ClientContext;
import io.polyhook.spi.Hook;
import io.polyhook.spi.HookContext;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.Listener;
import io.polyhook.spi.ListenerType;
import io.polyhook.spi.MqttProperties;
import io.polyhook.spi.MqttVersion;
import io.polyhook.spi.PayloadFormat;
import io.polyhook.spi.Peer;
import io.polyhook.spi.PublishContext;
import io.polyhook.spi.RegisterContext;
import io.polyhook.spi.RetainHandling;
import io.polyhook.spi.SubscribeContext;
import io.polyhook.spi.SubscriptionOptions;
import io.polyhook.spi.TopicSubscription;
import io.polyhook.spi.UnsubscribeContext;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class HookArgumentsTest {

    private static final MqttProperties PROPS = MqttProperties.builder()
            .addUserProperty("k1", "v1").addUserProperty("k1", "v2").addUserProperty("k2", "v2")
            .payloadFormat(PayloadFormat.UTF8).responseTopic("response/topic").addSubscriptionIdentifier(1)
            .addSubscriptionIdentifier(2).build();

    private static RegisterContext register() {
        return new RegisterContext(MqttVersion.V5, new Peer("192.168.123.123", 12345),
                new Listener("127.0.0.1", 1883, ListenerType.MQTT), "", "allowed-subscriber-id",
                Optional.of("test-user"), Optional.of(Bytes.utf8("test-password")), true, PROPS, Optional.empty());
    }

    private static PublishContext publish() {
        return new PublishContext(MqttVersion.V5, "", "allowed-subscriber-id", Optional.of("test-user"), "test/topic", 1,
                Bytes.utf8("hello world"), false, PROPS);
    }

    private static SubscribeContext subscribe() {
        return new SubscribeContext(MqttVersion.V5, "", "allowed-subscriber-id", Optional.of("test-user"),
                List.of(new TopicSubscription("test/topic", 1,
                        new SubscriptionOptions(true, false, RetainHandling.SEND_RETAIN, OptionalInt.of(7)))), PROPS);
    }

    private static UnsubscribeContext unsubscribe() {
        return new UnsubscribeContext(MqttVersion.V5, "", "allowed-subscriber-id", Optional.of("test-user"),
                List.of("test/topic"), PROPS);
    }

    static Stream<Arguments> keysPerHook() {
        List<String> listener = List.of("listener_addr", "listener_port", "listener_type");
        return Stream.of(
                Arguments.of(Hooks.AUTH_ON_REGISTER, register(), concat(List.of("addr", "port", "mountpoint", "client_id", "username", "password", "clean_session"), listener)),
                Arguments.of(Hooks.AUTH_ON_REGISTER_M5, register(), concat(List.of("addr", "port", "mountpoint", "client_id", "username", "password", "clean_start", "properties"), listener)),
                Arguments.of(Hooks.ON_REGISTER, register(), List.of("addr", "port", "mountpoint", "client_id", "username")),
                Arguments.of(Hooks.ON_REGISTER_M5, register(), List.of("addr", "port", "mountpoint", "client_id", "username", "properties")),
                Arguments.of(Hooks.AUTH_ON_PUBLISH, publish(), List.of("username", "mountpoint", "client_id", "qos", "topic", "payload", "retain")),
                Arguments.of(Hooks.ON_PUBLISH, publish(), List.of("username", "mountpoint", "client_id", "qos", "topic", "payload", "retain")),
                Arguments.of(Hooks.AUTH_ON_PUBLISH_M5, publish(), List.of("username", "mountpoint", "client_id", "qos", "topic", "payload", "retain", "properties")),
                Arguments.of(Hooks.ON_DELIVER, publish(), List.of("username", "mountpoint", "client_id", "qos", "topic", "payload", "retain", "properties")),
                Arguments.of(Hooks.ON_DELIVER_M5, publish(), List.of("username", "mountpoint", "client_id", "qos", "topic", "payload", "retain", "properties")),
                Arguments.of(Hooks.ON_OFFLINE_MESSAGE, publish(), List.of("mountpoint", "client_id", "qos", "topic", "payload", "retain")),
                Arguments.of(Hooks.AUTH_ON_SUBSCRIBE, subscribe(), List.of("username", "mountpoint", "client_id", "topics")),
                Arguments.of(Hooks.ON_SUBSCRIBE_M5, subscribe(), List.of("username", "mountpoint", "client_id", "topics", "properties")),
                Arguments.of(Hooks.ON_UNSUBSCRIBE, unsubscribe(), List.of("username", "mountpoint", "client_id", "topics")),
                Arguments.of(Hooks.ON_UNSUBSCRIBE_M5, unsubscribe(), List.of("username", "mountpoint", "client_id", "topics", "properties")),
                Arguments.of(Hooks.ON_CLIENT_GONE, new ClientContext("", "c"), List.of("mountpoint", "client_id")));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return Stream.concat(a.stream(), b.stream()).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keysPerHook")
    void eachHookGetsExactlyTheReferenceKeys(Hook<?> hook, HookContext context, List<String> keys) {
        assertThat(HookArguments.of(hook, context)).containsOnlyKeys(keys);
    }

    @Test
    void absentCredentialsAreAbsentKeys() {
        RegisterContext anonymous = new RegisterContext(MqttVersion.V3_1_1, new Peer("10.0.0.1", 1),
                new Listener("0.0.0.0", 1883, ListenerType.MQTT), "", "c", Optional.empty(), Optional.empty(), true,
                MqttProperties.EMPTY, Optional.empty());

        assertThat(HookArguments.of(Hooks.AUTH_ON_REGISTER, anonymous)).doesNotContainKeys("username", "password");
    }

    @Test
    void registerValuesHaveTheReferenceTypes() {
        Map<String, Object> t = HookArguments.of(Hooks.AUTH_ON_REGISTER, register());

        assertThat(t).containsEntry("addr", "192.168.123.123").containsEntry("port", 12345L)
                .containsEntry("mountpoint", "").containsEntry("clean_session", true)
                .containsEntry("listener_type", "mqtt").containsEntry("listener_port", 1883L);
        assertThat((byte[]) t.get("password")).asString().isEqualTo("test-password");
    }

    @Test
    void subscribeM5TopicsAreTopicWithQosAndSubopts() {
        Map<String, Object> t = HookArguments.of(Hooks.AUTH_ON_SUBSCRIBE_M5, subscribe());

        assertThat(t.get("topics")).isEqualTo(List.of(List.of("test/topic",
                List.of(1L, Map.of("rap", true, "no_local", false, "retain_handling", "send_retain", "sub_id", 7L)))));
        assertThat(HookArguments.of(Hooks.AUTH_ON_SUBSCRIBE, subscribe()).get("topics"))
                .isEqualTo(List.of(List.of("test/topic", 1L)));
    }

    @Test
    void propertiesUseThePKeysAndKeepUserPropertyOrder() {
        Map<String, Object> p = HookArguments.properties(PROPS);

        assertThat(p.get("p_user_property")).isEqualTo(List.of(Map.of("k1", "v1"), Map.of("k1", "v2"), Map.of("k2", "v2")));
        assertThat(p).containsEntry("p_payload_format_indicator", "utf8").containsEntry("p_response_topic", "response/topic")
                .containsEntry("p_subscription_id", List.of(1L, 2L));
    }

    @Test
    void writeGivesTheKeysInTheMapsOrderWithTypedValuesAndTheContextsOwnBytes() {
        PublishContext context = publish();
        List<String> calls = new java.util.ArrayList<>();
        List<Object> bytes = new java.util.ArrayList<>();
        HookArguments.write(Hooks.AUTH_ON_PUBLISH_M5, context, new ArgumentSink() {
            @Override
            public void text(ArgumentKey key, String value) {
                calls.add("text " + key.scriptName());
            }

            @Override
            public void integer(ArgumentKey key, long value) {
                calls.add("integer " + key.scriptName());
            }

            @Override
            public void bool(ArgumentKey key, boolean value) {
                calls.add("bool " + key.scriptName());
            }

            @Override
            public void bytes(ArgumentKey key, Bytes value) {
                calls.add("bytes " + key.scriptName());
                bytes.add(value);
            }

            @Override
            public void table(ArgumentKey key, Object value) {
                calls.add("table " + key.scriptName());
            }
        });

        assertThat(calls).containsExactly("text username", "text mountpoint", "text client_id", "integer qos",
                "text topic", "bytes payload", "bool retain", "table properties");
        assertThat(calls).extracting(c -> c.substring(c.indexOf(' ') + 1))
                .containsExactlyElementsOf(HookArguments.of(Hooks.AUTH_ON_PUBLISH_M5, context).keySet());
        assertThat(bytes).singleElement().isSameAs(context.payload());
    }
}
