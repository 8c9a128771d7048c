package io.polyhook.spi;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class HooksTest {

    @Test
    void thereAreTheTwentyTwoHookPointsOfVmqDiversity() {
        assertThat(Hooks.all()).extracting(Hook::name).containsExactlyInAnyOrder(
                "auth_on_register", "auth_on_register_m5", "on_auth_m5", "on_register", "on_register_m5",
                "auth_on_publish", "auth_on_publish_m5", "on_publish", "on_publish_m5",
                "auth_on_subscribe", "auth_on_subscribe_m5", "on_subscribe", "on_subscribe_m5",
                "on_unsubscribe", "on_unsubscribe_m5", "on_deliver", "on_deliver_m5", "on_offline_message",
                "on_client_wakeup", "on_client_offline", "on_client_gone", "on_session_expired");
    }

    @Test
    void chainAndNotificationHooksFollowTheReferenceTable() {
        List<String> chains = Hooks.all().stream().filter(h -> h instanceof ChainHook<?, ?>).map(Hook::name).toList();

        assertThat(chains).containsExactlyInAnyOrder("auth_on_register", "auth_on_register_m5", "on_auth_m5",
                "auth_on_publish", "auth_on_publish_m5", "auth_on_subscribe", "auth_on_subscribe_m5",
                "on_unsubscribe", "on_unsubscribe_m5", "on_deliver", "on_deliver_m5");
    }

    @Test
    void onlyDeliverAndUnsubscribeAreRewriteHooks() {
        List<String> rewrites = Hooks.all().stream()
                .filter(h -> h instanceof ChainHook<?, ?> c && c.kind() == ChainHook.Kind.REWRITE).map(Hook::name).toList();

        assertThat(rewrites).containsExactlyInAnyOrder("on_unsubscribe", "on_unsubscribe_m5", "on_deliver", "on_deliver_m5");
    }

    @Test
    void m5VariantsServeMqtt5() {
        assertThat(Hooks.all()).allSatisfy(h -> assertThat(h.isMqtt5()).isEqualTo(h.name().endsWith("_m5")));
    }

    @Test
    void hookPointsAreFoundByName() {
        assertThat(Hooks.byName("on_deliver_m5")).containsSame(Hooks.ON_DELIVER_M5);
        assertThat(Hooks.byName("on_message_drop")).isEmpty();
    }

    @Test
    void hookPointsExposeNoBrokerInternals() {
        // Array indexes and per-hook modifier rules are the broker's (core-api's HookIndex, ModifierRules).
        assertThat(java.util.Arrays.stream(ChainHook.class.getMethods()).map(java.lang.reflect.Method::getName))
                .doesNotContain("id", "checkModifiers");
        assertThat(java.util.Arrays.stream(NotificationHook.class.getMethods()).map(java.lang.reflect.Method::getName))
                .doesNotContain("id");
    }
}
