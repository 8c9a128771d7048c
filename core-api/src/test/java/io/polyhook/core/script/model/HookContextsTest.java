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
import io.polyhook.spi.Peer;
import io.polyhook.spi.PublishContext;
import io.polyhook.spi.RegisterContext;
import io.polyhook.spi.RetainHandling;
import io.polyhook.spi.SubscribeContext;
import io.polyhook.spi.SubscriptionOptions;
import io.polyhook.spi.TopicSubscription;
import io.polyhook.spi.UnsubscribeContext;
import io.polyhook.spi.AuthContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HookContextsTest {

    private static final MqttProperties PROPS = MqttProperties.builder().addUserProperty("k1", "v1")
            .addUserProperty("k1", "v2").contentType("text/plain").build();

    static List<Hook<?>> hooks() {
        return Hooks.all();
    }

    /** A context of {@code hook} with every field the hook shows a script set to something other than a default. */
    private static HookContext full(Hook<?> hook) {
        MqttVersion v = hook.isMqtt5() ? MqttVersion.V5 : MqttVersion.V3_1_1;
        MqttProperties props = hook.isMqtt5() || hook == Hooks.ON_DELIVER ? PROPS : MqttProperties.EMPTY;
        Class<?> type = hook.contextType();
        if (type == RegisterContext.class) {
            return new RegisterContext(v, new Peer("192.0.2.7", 40000), new Listener("127.0.0.1", 1884, ListenerType.MQTTWS),
                    "mp", "car-1", Optional.of("alice"), Optional.of(Bytes.utf8("secret")), false, props,
                    Optional.of(Bytes.utf8("cert")));
        }
        if (type == PublishContext.class) {
            return new PublishContext(v, "mp", "car-1", Optional.of("alice"), "a/b", 1, Bytes.utf8("hello"), true, props);
        }
        if (type == SubscribeContext.class) {
            SubscriptionOptions options = hook.isMqtt5()
                    ? new SubscriptionOptions(true, true, RetainHandling.DONT_SEND, OptionalInt.of(3)) : SubscriptionOptions.DEFAULT;
            return new SubscribeContext(v, "mp", "car-1", Optional.of("alice"),
                    List.of(new TopicSubscription("a/#", 2, options), TopicSubscription.of("b", 0)), props);
        }
        if (type == UnsubscribeContext.class) {
            return new UnsubscribeContext(v, "mp", "car-1", Optional.of("alice"), List.of("a/#", "b"), props);
        }
        if (type == AuthContext.class) {
            return new AuthContext("mp", "car-1", Optional.of("alice"), MqttProperties.builder()
                    .authenticationMethod("SCRAM").authenticationData(Bytes.utf8("data")).build());
        }
        return new ClientContext("mp", "car-1");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hooks")
    void theArgumentTableOfAContextGivesThatContextBack(Hook<?> hook) {
        Map<String, Object> args = HookArguments.of(hook, full(hook));

        HookContext back = HookContexts.of(hook, args);

        assertThat(comparable(HookArguments.of(hook, back))).isEqualTo(comparable(args));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hooks")
    void theKeysOfAHookAreThoseItsArgumentTableHas(Hook<?> hook) {
        assertThat(HookContexts.keys(hook)).containsAll(HookArguments.of(hook, full(hook)).keySet());
    }

    @Test
    void optionalKeysMayBeLeftOut() {
        Map<String, Object> args = new LinkedHashMap<>(HookArguments.of(Hooks.AUTH_ON_REGISTER, full(Hooks.AUTH_ON_REGISTER)));
        args.remove("username");
        args.remove("password");
        args.remove("client_cert");

        RegisterContext r = (RegisterContext) HookContexts.of(Hooks.AUTH_ON_REGISTER, args);

        assertThat(r.username()).isEmpty();
        assertThat(r.password()).isEmpty();
        assertThat(r.protocolVersion()).isEqualTo(MqttVersion.V3_1_1);
    }

    @Test
    void aMissingKeyIsNamed() {
        Map<String, Object> args = new LinkedHashMap<>(HookArguments.of(Hooks.AUTH_ON_PUBLISH, full(Hooks.AUTH_ON_PUBLISH)));
        args.remove("topic");

        assertThatThrownBy(() -> HookContexts.of(Hooks.AUTH_ON_PUBLISH, args))
                .hasMessage("auth_on_publish needs the argument topic");
    }

    @Test
    void aKeyTheHookDoesNotHaveIsAnErrorListingItsKeys() {
        Map<String, Object> args = new LinkedHashMap<>(HookArguments.of(Hooks.ON_CLIENT_GONE, full(Hooks.ON_CLIENT_GONE)));
        args.put("usrname", "alice");

        assertThatThrownBy(() -> HookContexts.of(Hooks.ON_CLIENT_GONE, args))
                .hasMessage("usrname is not an argument of on_client_gone (its arguments: mountpoint, client_id)");
    }

    @Test
    void aValueOfTheWrongTypeIsNamed() {
        Map<String, Object> args = new LinkedHashMap<>(HookArguments.of(Hooks.AUTH_ON_PUBLISH, full(Hooks.AUTH_ON_PUBLISH)));
        args.put("qos", "1");

        assertThatThrownBy(() -> HookContexts.of(Hooks.AUTH_ON_PUBLISH, args)).hasMessage("qos must be an integer, was \"1\"");
    }

    @Test
    void anUnknownListenerTypeListsTheKnownOnes() {
        Map<String, Object> args = new LinkedHashMap<>(HookArguments.of(Hooks.AUTH_ON_REGISTER, full(Hooks.AUTH_ON_REGISTER)));
        args.put("listener_type", "tcp");

        assertThatThrownBy(() -> HookContexts.of(Hooks.AUTH_ON_REGISTER, args))
                .hasMessage("listener_type must be one of mqtt, mqtts, mqttws, mqttwss, was \"tcp\"");
    }

    /** Bytes as text, so that two tables compare by content. */
    private static Object comparable(Object value) {
        if (value instanceof byte[] b) {
            return new String(b, StandardCharsets.UTF_8);
        }
        if (value instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(k, comparable(v)));
            return out;
        }
        if (value instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(v -> out.add(comparable(v)));
            return out;
        }
        return value;
    }
}
