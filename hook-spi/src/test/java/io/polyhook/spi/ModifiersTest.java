package io.polyhook.spi;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModifiersTest {

    static Stream<Arguments> invalidModifiers() {
        return Stream.of(
                Arguments.of("publish topic with a wildcard", (Supplier<?>) () -> PublishModifiers.builder().topic("a/+"),
                        "topic must be a topic name without wildcards, was \"a/+\""),
                Arguments.of("empty publish topic", (Supplier<?>) () -> PublishModifiers.builder().topic(""),
                        "topic must be a topic name without wildcards, was \"\""),
                Arguments.of("publish qos 3", (Supplier<?>) () -> PublishModifiers.builder().qos(3),
                        "qos must be 0, 1 or 2, was 3"),
                Arguments.of("negative throttle", (Supplier<?>) () -> PublishModifiers.builder().throttle(Duration.ofMillis(-1)),
                        "throttle must not be negative, was -1"),
                Arguments.of("publish property outside the whitelist",
                        (Supplier<?>) () -> PublishModifiers.builder().properties(MqttProperties.builder().topicAlias(3).build()),
                        "properties.p_topic_alias may not be set by auth_on_publish_m5, was 3"),
                Arguments.of("deliver property outside the whitelist",
                        (Supplier<?>) () -> DeliverModifiers.builder().properties(MqttProperties.builder().messageExpiryInterval(3).build()),
                        "properties.p_message_expiry_interval may not be set by on_deliver_m5, was 3"),
                Arguments.of("register property outside the whitelist",
                        (Supplier<?>) () -> RegisterModifiers.builder().properties(MqttProperties.builder().contentType("x").build()),
                        "properties.p_content_type may not be set by auth_on_register_m5, was \"x\""),
                Arguments.of("negative limit",
                        (Supplier<?>) () -> RegisterModifiers.builder().limit(RegisterModifiers.Limit.MAX_MESSAGE_SIZE, -5),
                        "max_message_size must not be negative, was -5"),
                Arguments.of("empty client id", (Supplier<?>) () -> RegisterModifiers.builder().subscriberId(new SubscriberId("mp", "")),
                        "subscriber_id.client_id must not be empty, was \"\""),
                Arguments.of("subscribe qos 3", (Supplier<?>) () -> TopicSubscription.of("a/b", 3),
                        "qos must be 0, 1, 2 or 128 (reject), was 3"),
                Arguments.of("subscribe filter with a misplaced #", (Supplier<?>) () -> TopicSubscription.of("a/#/b", 1),
                        "topic must be a valid topic filter, was \"a/#/b\""),
                Arguments.of("unsubscribe filter with a half level +", (Supplier<?>) () -> UnsubscribeModifiers.of("a/b+"),
                        "topics must be a valid topic filter, was \"a/b+\""),
                Arguments.of("unknown queue type", (Supplier<?>) () -> QueueType.ofScriptName("stack"),
                        "queue_type must be fifo or lifo, was \"stack\""),
                Arguments.of("empty publish modifiers", (Supplier<?>) () -> PublishModifiers.builder().build(),
                        "modifiers must set at least one modifier, was \"{}\""),
                Arguments.of("enhanced auth reason code", (Supplier<?>) () -> AuthModifiers.Step.ofCode(135),
                        "reason_code must be 0 (success) or 24 (continue_authentication), was 135"),
                Arguments.of("receive maximum 0", (Supplier<?>) () -> MqttProperties.builder().receiveMaximum(0),
                        "properties.p_receive_max must be 1..65535, was 0"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidModifiers")
    void anInvalidModifierIsRejectedWithTheFieldAndTheValue(String name, Supplier<?> build, String message) {
        assertThatThrownBy(build::get).isInstanceOf(InvalidModifierException.class).hasMessage(message);
    }

    @Test
    void aSubscribeRewriteMayRejectOneFilterAndBeEmpty() {
        SubscribeModifiers rewrite = SubscribeModifiers.of(TopicSubscription.of("a/b", 2), TopicSubscription.rejected("$SYS/#"));

        assertThat(rewrite.topics()).extracting(TopicSubscription::isRejected).containsExactly(false, true);
        assertThat(new SubscribeModifiers(java.util.List.of()).topics()).isEmpty();
    }

    @Test
    void registerModifiersCarryEveryKindOfChange() {
        RegisterModifiers m = RegisterModifiers.builder()
                .subscriberId(new SubscriberId("override-mountpoint", "override-client-id"))
                .username("override-username")
                .limit(RegisterModifiers.Limit.MAX_MESSAGE_SIZE, 1001)
                .limit(RegisterModifiers.Limit.MAX_CONNECTION_LIFETIME, 4711)
                .permission(RegisterModifiers.Permission.ALLOW_PUBLISH, false)
                .queueType(QueueType.LIFO)
                .sharedSubscriptionPolicy(SharedSubscriptionPolicy.ofScriptName("random"))
                .build();

        assertThat(m.subscriberId()).contains(new SubscriberId("override-mountpoint", "override-client-id"));
        assertThat(m.limit(RegisterModifiers.Limit.MAX_MESSAGE_SIZE)).hasValue(1001);
        assertThat(m.limit(RegisterModifiers.Limit.MAX_INFLIGHT_MESSAGES)).isEmpty();
        assertThat(m.permission(RegisterModifiers.Permission.ALLOW_PUBLISH)).contains(false);
        assertThat(m.queueType()).contains(QueueType.LIFO);
    }

    @Test
    void verdictConstantsAreShared() {
        assertThat(Verdict.<PublishModifiers>ok()).isSameAs(Verdict.<SubscribeModifiers>ok());
        assertThat(Verdict.<PublishModifiers>next()).isSameAs(Verdict.<SubscribeModifiers>next());
        assertThat(Verdict.deny(ReasonCode.BANNED, "go away"))
                .isEqualTo(new Verdict.Deny<>(java.util.Optional.of(ReasonCode.BANNED), java.util.Optional.of("go away")));
    }
}
