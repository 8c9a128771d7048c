package io.polyhook.core.hook;

import io.polyhook.spi.Hooks;
import io.polyhook.spi.InvalidModifierException;
import io.polyhook.spi.MqttProperties;
import io.polyhook.spi.PublishModifiers;
import io.polyhook.spi.RetainHandling;
import io.polyhook.spi.SubscribeModifiers;
import io.polyhook.spi.SubscriptionOptions;
import io.polyhook.spi.TopicSubscription;
import org.junit.jupiter.api.Test;

import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModifierRulesTest {

    @Test
    void mqtt3HooksRefuseProperties() {
        PublishModifiers withProperties = PublishModifiers.builder()
                .properties(MqttProperties.builder().contentType("text/plain").build()).build();

        assertThat(ModifierRules.check(Hooks.AUTH_ON_PUBLISH_M5, withProperties)).isSameAs(withProperties);
        assertThatThrownBy(() -> ModifierRules.check(Hooks.AUTH_ON_PUBLISH, withProperties))
                .isInstanceOf(InvalidModifierException.class)
                .hasMessageStartingWith("properties are MQTT 5 only (auth_on_publish_m5)");
    }

    @Test
    void mqtt3SubscribeRewritesRefuseMqtt5Options() {
        SubscriptionOptions noLocal = new SubscriptionOptions(false, true, RetainHandling.SEND_RETAIN, OptionalInt.empty());
        SubscribeModifiers rewrite = SubscribeModifiers.of(new TopicSubscription("a/b", 1, noLocal));

        assertThatThrownBy(() -> ModifierRules.check(Hooks.AUTH_ON_SUBSCRIBE, rewrite)).isInstanceOf(InvalidModifierException.class);
        assertThat(ModifierRules.check(Hooks.AUTH_ON_SUBSCRIBE_M5, rewrite)).isSameAs(rewrite);
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void modifiersOfAnotherHooksTypeAreRefused() {
        PublishModifiers publish = PublishModifiers.builder().topic("a/b").build();

        assertThatThrownBy(() -> ModifierRules.check((io.polyhook.spi.ChainHook) Hooks.ON_DELIVER, publish))
                .isInstanceOf(InvalidModifierException.class)
                .hasMessageContaining("must be DeliverModifiers for on_deliver");
    }
}
