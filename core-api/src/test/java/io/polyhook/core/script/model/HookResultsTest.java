package io.polyhook.core.script.model;

import io.polyhook.spi.AuthModifiers;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.ChainHook;
import io.polyhook.spi.Hook;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.InvalidModifierException;
import io.polyhook.spi.PayloadFormat;
import io.polyhook.spi.PublishModifiers;
import io.polyhook.spi.ReasonCode;
import io.polyhook.spi.RegisterModifiers;
import io.polyhook.spi.RetainHandling;
import io.polyhook.spi.SubscribeModifiers;
import io.polyhook.spi.SubscriberId;
import io.polyhook.spi.SubscriptionOptions;
import io.polyhook.spi.TopicSubscription;
import io.polyhook.spi.UnsubscribeModifiers;
import io.polyhook.spi.UserProperty;
import io.polyhook.spi.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HookResultsTest {

    private static Map<String, Object> table(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static Verdict<?> verdict(ChainHook<?, ?> hook, Object returned, Object... more) {
        return HookResults.verdict(hook, returned, List.of(more));
    }

    static Stream<Arguments> chainHooks() {
        return Hooks.all().stream().filter(h -> h instanceof ChainHook<?, ?>).map(Arguments::of);
    }

    @ParameterizedTest
    @MethodSource("chainHooks")
    void trueIsOkFalseIsDenyAndAnythingElseIsNext(Hook<?> hook) {
        ChainHook<?, ?> chain = (ChainHook<?, ?>) hook;

        assertThat(verdict(chain, true)).isEqualTo(Verdict.ok());
        assertThat(verdict(chain, false)).isEqualTo(Verdict.deny());
        assertThat(verdict(chain, null)).isEqualTo(Verdict.next());
        assertThat(verdict(chain, "next")).isEqualTo(Verdict.next());
        assertThat(verdict(chain, 42L)).isEqualTo(Verdict.next());
    }

    @ParameterizedTest
    @MethodSource("chainHooks")
    void anEmptyTableIsInvalidExceptForAuthOnSubscribe(Hook<?> hook) {
        ChainHook<?, ?> chain = (ChainHook<?, ?>) hook;
        if (hook == Hooks.AUTH_ON_SUBSCRIBE) {
            assertThat(verdict(chain, Map.of())).isEqualTo(Verdict.ok(new SubscribeModifiers(List.of())));
        } else {
            assertThatThrownBy(() -> verdict(chain, Map.of())).isInstanceOf(InvalidModifierException.class)
                    .hasMessageContaining("must not be an empty table for " + hook.name());
        }
    }

    @Test
    void falseMayCarryAReasonCodeByNameOrNumberAndAReasonString() {
        assertThat(verdict(Hooks.AUTH_ON_PUBLISH_M5, false, "quota_exceeded", "slow down"))
                .isEqualTo(Verdict.deny(ReasonCode.QUOTA_EXCEEDED, "slow down"));
        assertThat(verdict(Hooks.AUTH_ON_REGISTER_M5, false, 0x8AL)).isEqualTo(Verdict.deny(ReasonCode.BANNED));
        assertThat(verdict(Hooks.AUTH_ON_REGISTER_M5, false, 138.0)).isEqualTo(Verdict.deny(ReasonCode.BANNED));
    }

    @Test
    void oneReturnedObjectIsOneValueOrTheValuesItWasMadeOf() {
        assertThat(HookResults.verdict(Hooks.AUTH_ON_PUBLISH_M5, true)).isEqualTo(Verdict.ok());
        assertThat(HookResults.verdict(Hooks.AUTH_ON_PUBLISH_M5, "next")).isEqualTo(Verdict.next());
        assertThat(HookResults.verdict(Hooks.AUTH_ON_PUBLISH_M5,
                HookResults.values(false, java.util.Arrays.asList(null, "slow down"))))
                .isEqualTo(Verdict.deny(ReasonCode.NOT_AUTHORIZED, "slow down"));
    }

    @Test
    void anUnknownReasonCodeIsInvalid() {
        assertThatThrownBy(() -> verdict(Hooks.AUTH_ON_PUBLISH_M5, false, "sorry"))
                .isInstanceOf(InvalidModifierException.class).hasMessageStartingWith("reason_code");
    }

    static Stream<Arguments> invalidModifiers() {
        return Stream.of(
                Arguments.of(Hooks.AUTH_ON_PUBLISH_M5, table("topic", 5L), "topic must be a string, was 5"),
                Arguments.of(Hooks.AUTH_ON_PUBLISH_M5, table("unknown", 5L), "unknown is not a modifier of auth_on_publish_m5, was 5"),
                Arguments.of(Hooks.AUTH_ON_PUBLISH, table("qos", 1.5), "qos must be an integer, was 1.5"),
                Arguments.of(Hooks.AUTH_ON_PUBLISH, table("topic", "a/#"), "topic must be a topic name without wildcards, was \"a/#\""),
                Arguments.of(Hooks.AUTH_ON_PUBLISH, table("properties", table("p_content_type", "x")),
                        "properties are MQTT 5 only (auth_on_publish_m5), was MqttProperties{p_content_type=x}"),
                Arguments.of(Hooks.AUTH_ON_REGISTER, table("subscriber_id", table("client_id", "c")),
                        "subscriber_id must be a table with string mountpoint and client_id, was {client_id=c}"),
                Arguments.of(Hooks.AUTH_ON_REGISTER, table("mountpoint", "mp"), "mountpoint is not a modifier of auth_on_register, was \"mp\""),
                Arguments.of(Hooks.AUTH_ON_SUBSCRIBE, List.of(List.of("a/b", 3L)), "qos must be 0, 1, 2 or 128 (reject), was 3"),
                Arguments.of(Hooks.ON_DELIVER_M5, table("properties", table("p_message_expiry_interval", 3L)),
                        "properties.p_message_expiry_interval may not be set by on_deliver_m5, was 3"),
                Arguments.of(Hooks.ON_AUTH_M5, table("reason_code", 135L),
                        "reason_code must be 0 (success) or 24 (continue_authentication), was 135"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("invalidModifiers")
    void invalidModifiersNameTheFieldAndTheValue(ChainHook<?, ?> hook, Object returned, String message) {
        assertThatThrownBy(() -> verdict(hook, returned)).isInstanceOf(InvalidModifierException.class).hasMessage(message);
    }

    @Test
    void registerModifiersFollowTheWhitelist() {
        Verdict<?> v = verdict(Hooks.AUTH_ON_REGISTER, table(
                "subscriber_id", table("mountpoint", "override-mountpoint", "client_id", "override-client-id"),
                "username", "override-username",
                "max_message_size", 1001.0,
                "max_connection_lifetime", 4711L,
                "allow_publish", false,
                "queue_type", "lifo"));

        RegisterModifiers m = (RegisterModifiers) ((Verdict.Ok<?>) v).modifiers().orElseThrow();
        assertThat(m.subscriberId()).contains(new SubscriberId("override-mountpoint", "override-client-id"));
        assertThat(m.username()).contains("override-username");
        assertThat(m.limit(RegisterModifiers.Limit.MAX_MESSAGE_SIZE)).hasValue(1001);
        assertThat(m.limit(RegisterModifiers.Limit.MAX_CONNECTION_LIFETIME)).hasValue(4711);
        assertThat(m.permission(RegisterModifiers.Permission.ALLOW_PUBLISH)).contains(false);
    }

    @Test
    void registerM5PropertiesAreTakenAsGiven() {
        Verdict<?> v = verdict(Hooks.AUTH_ON_REGISTER_M5, table("properties", table(
                "p_user_property", List.of(table("k3", "v3")), "p_session_expiry_interval", 10L)));

        RegisterModifiers m = (RegisterModifiers) ((Verdict.Ok<?>) v).modifiers().orElseThrow();
        assertThat(m.properties().orElseThrow().userProperties()).containsExactly(new UserProperty("k3", "v3"));
        assertThat(m.properties().orElseThrow().sessionExpiryInterval()).hasValue(10);
    }

    @Test
    void publishM5ModifiersCarryTheProperties() {
        Verdict<?> v = verdict(Hooks.AUTH_ON_PUBLISH_M5, table(
                "topic", "hello/world",
                "properties", table("p_correlation_data", "modified_correlation_data",
                        "p_response_topic", "modified/response/topic",
                        "p_payload_format_indicator", "undefined",
                        "p_content_type", "modified_content_type",
                        "p_user_property", List.of(table("k1", "v3"), table("k3", "v3")))));

        PublishModifiers m = (PublishModifiers) ((Verdict.Ok<?>) v).modifiers().orElseThrow();
        assertThat(m.topic()).contains("hello/world");
        var props = m.properties().orElseThrow();
        assertThat(props.correlationData()).contains(Bytes.utf8("modified_correlation_data"));
        assertThat(props.payloadFormat()).contains(PayloadFormat.UNSPECIFIED);
        assertThat(props.userProperties()).containsExactly(new UserProperty("k1", "v3"), new UserProperty("k3", "v3"));
    }

    @Test
    void subscribeRewritesComeAsPairsWithQos128ToReject() {
        Verdict<?> v = verdict(Hooks.AUTH_ON_SUBSCRIBE, List.of(List.of("hello/world", 2L), List.of("$SYS/#", 128L)));

        assertThat(v).isEqualTo(Verdict.ok(SubscribeModifiers.of(TopicSubscription.of("hello/world", 2),
                TopicSubscription.rejected("$SYS/#"))));
    }

    @Test
    void subscribeM5RewritesCarryOptions() {
        Verdict<?> v = verdict(Hooks.AUTH_ON_SUBSCRIBE_M5,
                table("topics", List.of(List.of("hello/world", List.of(2L, table("rap", true))), List.of("a/b", 1L))));

        assertThat(v).isEqualTo(Verdict.ok(SubscribeModifiers.of(
                new TopicSubscription("hello/world", 2, new SubscriptionOptions(true, false, RetainHandling.SEND_RETAIN, OptionalInt.empty())),
                TopicSubscription.of("a/b", 1))));
    }

    @Test
    void unsubscribeRewritesAreArraysOfFilters() {
        assertThat(verdict(Hooks.ON_UNSUBSCRIBE, List.of("hello/world")))
                .isEqualTo(Verdict.ok(UnsubscribeModifiers.of("hello/world")));
        assertThat(verdict(Hooks.ON_UNSUBSCRIBE_M5, table("topics", List.of("hello/world"))))
                .isEqualTo(Verdict.ok(UnsubscribeModifiers.of("hello/world")));
    }

    @Test
    void onAuthM5EchoesMethodAndData() {
        Verdict<?> v = verdict(Hooks.ON_AUTH_M5, table("properties",
                table("p_authentication_method", "AUTH_METHOD", "p_authentication_data", "AUTH_DATA1")));

        assertThat(v).isEqualTo(Verdict.ok(new AuthModifiers(AuthModifiers.Step.SUCCESS, Optional.of("AUTH_METHOD"),
                Optional.of(Bytes.utf8("AUTH_DATA1")))));
    }
}
