package io.polyhook.core.script.scenarios;

import io.polyhook.spi.AuthContext;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.ClientContext;
import io.polyhook.spi.Hook;
import io.polyhook.spi.HookContext;
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

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Contexts of every hook for the argument scenarios: {@link #full} sets every field the hook shows
 * a script (every MQTT 5 property, bytes that are not UTF-8 among them), {@link #sparse} leaves out
 * what may be absent (an anonymous client without password or certificate, no properties) and
 * carries a binary payload.
 */
public final class ArgumentFixtures {

    private static final Bytes BINARY = Bytes.wrap(new byte[] {0, (byte) 0xff, (byte) 0xc3, 10});

    private ArgumentFixtures() {
    }

    /** Every property a packet can carry, user properties with a repeated key. */
    public static MqttProperties everyProperty() {
        return MqttProperties.builder().sessionExpiryInterval(60).receiveMaximum(10).topicAliasMaximum(15)
                .maximumPacketSize(4096).requestResponseInformation(true).requestProblemInformation(false)
                .addUserProperty("k1", "v1").addUserProperty("k1", "v2").addUserProperty("k2", "v2")
                .payloadFormat(PayloadFormat.UTF8).messageExpiryInterval(30).contentType("text/plain")
                .responseTopic("response/topic").correlationData(BINARY).topicAlias(3)
                .addSubscriptionIdentifier(1).addSubscriptionIdentifier(2)
                .authenticationMethod("SCRAM").authenticationData(Bytes.utf8("auth-data")).willDelayInterval(5).build();
    }

    /** A context of {@code hook} with every field it shows a script set. */
    public static HookContext full(Hook<?> hook) {
        MqttVersion v = hook.isMqtt5() ? MqttVersion.V5 : MqttVersion.V3_1_1;
        MqttProperties props = everyProperty();
        Class<?> type = hook.contextType();
        if (type == RegisterContext.class) {
            return new RegisterContext(v, new Peer("192.0.2.7", 40000), new Listener("127.0.0.1", 1884, ListenerType.MQTTWS),
                    "mp", "car-1", Optional.of("alice"), Optional.of(Bytes.utf8("sécret")), false, props,
                    Optional.of(BINARY));
        }
        if (type == PublishContext.class) {
            return new PublishContext(v, "mp", "car-1", Optional.of("alice"), "a/b", 1, Bytes.utf8("hello wörld"), true, props);
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
            return new AuthContext("mp", "car-1", Optional.of("alice"), props);
        }
        return new ClientContext("mp", "car-1");
    }

    /** A context of {@code hook} without the fields that may be absent, and with a binary payload. */
    public static HookContext sparse(Hook<?> hook) {
        MqttVersion v = hook.isMqtt5() ? MqttVersion.V5 : MqttVersion.V3_1_1;
        MqttProperties none = MqttProperties.EMPTY;
        Class<?> type = hook.contextType();
        if (type == RegisterContext.class) {
            return new RegisterContext(v, new Peer("::1", 1), new Listener("0.0.0.0", 1883, ListenerType.MQTT), "",
                    "anonymous-1", Optional.empty(), Optional.empty(), true, none, Optional.empty());
        }
        if (type == PublishContext.class) {
            return new PublishContext(v, "", "anonymous-1", Optional.empty(), "b", 0, BINARY, false, none);
        }
        if (type == SubscribeContext.class) {
            return new SubscribeContext(v, "", "anonymous-1", Optional.empty(), List.of(TopicSubscription.of("b", 0)), none);
        }
        if (type == UnsubscribeContext.class) {
            return new UnsubscribeContext(v, "", "anonymous-1", Optional.empty(), List.of("b"), none);
        }
        if (type == AuthContext.class) {
            return new AuthContext("", "anonymous-1", Optional.empty(), none);
        }
        return new ClientContext("", "anonymous-1");
    }

    /**
     * A model value as it comes back from a script through a provider: bytes that are valid
     * UTF-8 as text (what both engines give a script), other bytes as their hex digits (so that
     * values compare with {@code equals}).
     */
    public static Object roundTripped(Object value) {
        return switch (value) {
            case byte[] b -> {
                try {
                    yield StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
                } catch (CharacterCodingException e) {
                    yield "bytes:" + HexFormat.of().formatHex(b);
                }
            }
            case List<?> list -> list.stream().map(ArgumentFixtures::roundTripped).toList();
            case Map<?, ?> map -> {
                Map<Object, Object> out = new LinkedHashMap<>();
                map.forEach((k, x) -> out.put(k, roundTripped(x)));
                yield out;
            }
            case null -> null;
            default -> value;
        };
    }
}
