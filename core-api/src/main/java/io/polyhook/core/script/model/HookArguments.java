package io.polyhook.core.script.model;

import io.polyhook.spi.AuthContext;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.ClientContext;
import io.polyhook.spi.Hook;
import io.polyhook.spi.HookContext;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.MqttProperties;
import io.polyhook.spi.PublishContext;
import io.polyhook.spi.RegisterContext;
import io.polyhook.spi.SubscribeContext;
import io.polyhook.spi.SubscriptionOptions;
import io.polyhook.spi.TopicSubscription;
import io.polyhook.spi.UnsubscribeContext;
import io.polyhook.spi.UserProperty;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The argument table a script's hook function receives, with exactly the keys vmq_diversity
 * passes for that hook (reference §1.2), as neutral model values.
 *
 * <p>Differences from vmq_diversity, on purpose: the password arrives in plain text (scripts
 * that call {@code obf.decrypt} on it still work, since decrypting a plain value returns it), and
 * the listener keys ({@code listener_addr}, {@code listener_port}, {@code listener_type}) are
 * always present on the register hooks, because the broker always knows them.
 */
public final class HookArguments {

    private HookArguments() {
    }

    /** The argument table of {@code hook} for {@code context}; a fresh, mutable, insertion-ordered map. */
    public static Map<String, Object> of(Hook<?> hook, HookContext context) {
        Map<String, Object> t = new LinkedHashMap<>();
        write(hook, context, new ArgumentSink() {
            @Override
            public void text(ArgumentKey key, String value) {
                t.put(key.scriptName(), value);
            }

            @Override
            public void integer(ArgumentKey key, long value) {
                t.put(key.scriptName(), value);
            }

            @Override
            public void bool(ArgumentKey key, boolean value) {
                t.put(key.scriptName(), value);
            }

            @Override
            public void bytes(ArgumentKey key, Bytes value) {
                t.put(key.scriptName(), value.toByteArray());
            }

            @Override
            public void table(ArgumentKey key, Object value) {
                t.put(key.scriptName(), value);
            }
        });
        return t;
    }

    /**
     * Gives {@code sink} the argument table of {@code hook} for {@code context}, key by key in the
     * order of {@link #of}, leaving out the keys without a value: what {@link #of} holds, without
     * the map. The hot path of every script call.
     */
    public static void write(Hook<?> hook, HookContext context, ArgumentSink sink) {
        switch (context) {
            case PublishContext p -> publish(hook, p, sink);
            case RegisterContext r -> register(hook, r, sink);
            case SubscribeContext s -> subscribe(hook, s, sink);
            case UnsubscribeContext u -> unsubscribe(hook, u, sink);
            case AuthContext a -> {
                username(a.username(), sink);
                sink.text(ArgumentKey.MOUNTPOINT, a.mountpoint());
                sink.text(ArgumentKey.CLIENT_ID, a.clientId());
                sink.table(ArgumentKey.PROPERTIES, properties(a.properties()));
            }
            case ClientContext c -> {
                sink.text(ArgumentKey.MOUNTPOINT, c.mountpoint());
                sink.text(ArgumentKey.CLIENT_ID, c.clientId());
            }
        }
    }

    private static void username(Optional<String> username, ArgumentSink sink) {
        if (username.isPresent()) {
            sink.text(ArgumentKey.USERNAME, username.get());
        }
    }

    private static void register(Hook<?> hook, RegisterContext r, ArgumentSink sink) {
        sink.text(ArgumentKey.ADDR, r.peer().address());
        sink.integer(ArgumentKey.PORT, r.peer().port());
        sink.text(ArgumentKey.MOUNTPOINT, r.mountpoint());
        sink.text(ArgumentKey.CLIENT_ID, r.clientId());
        username(r.username(), sink);
        if (hook == Hooks.ON_REGISTER) {
            return;
        }
        if (hook == Hooks.ON_REGISTER_M5) {
            sink.table(ArgumentKey.PROPERTIES, properties(r.properties()));
            return;
        }
        if (r.password().isPresent()) {
            sink.bytes(ArgumentKey.PASSWORD, r.password().get());
        }
        if (hook == Hooks.AUTH_ON_REGISTER_M5) {
            sink.bool(ArgumentKey.CLEAN_START, r.cleanStart());
            sink.table(ArgumentKey.PROPERTIES, properties(r.properties()));
        } else {
            sink.bool(ArgumentKey.CLEAN_SESSION, r.cleanStart());
        }
        sink.text(ArgumentKey.LISTENER_ADDR, r.listener().address());
        sink.integer(ArgumentKey.LISTENER_PORT, r.listener().port());
        sink.text(ArgumentKey.LISTENER_TYPE, r.listener().type().scriptName());
        if (r.clientCertificate().isPresent()) {
            sink.bytes(ArgumentKey.CLIENT_CERT, r.clientCertificate().get());
        }
    }

    private static void publish(Hook<?> hook, PublishContext p, ArgumentSink sink) {
        if (hook != Hooks.ON_OFFLINE_MESSAGE) {
            username(p.username(), sink);
        }
        sink.text(ArgumentKey.MOUNTPOINT, p.mountpoint());
        sink.text(ArgumentKey.CLIENT_ID, p.clientId());
        sink.integer(ArgumentKey.QOS, p.qos());
        sink.text(ArgumentKey.TOPIC, p.topic());
        sink.bytes(ArgumentKey.PAYLOAD, p.payload());
        sink.bool(ArgumentKey.RETAIN, p.retain());
        // on_deliver carries properties for MQTT 3 subscribers too (usually empty), as in vmq_diversity.
        if (hook.isMqtt5() || hook == Hooks.ON_DELIVER) {
            sink.table(ArgumentKey.PROPERTIES, properties(p.properties()));
        }
    }

    private static void subscribe(Hook<?> hook, SubscribeContext s, ArgumentSink sink) {
        username(s.username(), sink);
        sink.text(ArgumentKey.MOUNTPOINT, s.mountpoint());
        sink.text(ArgumentKey.CLIENT_ID, s.clientId());
        List<Object> topics = new ArrayList<>(s.topics().size());
        for (TopicSubscription sub : s.topics()) {
            Object qos = (long) sub.qos();
            if (hook.isMqtt5()) {
                qos = List.of((long) sub.qos(), subscriptionOptions(sub.options()));
            }
            topics.add(List.of(sub.filter(), qos));
        }
        sink.table(ArgumentKey.TOPICS, topics);
        if (hook.isMqtt5()) {
            sink.table(ArgumentKey.PROPERTIES, properties(s.properties()));
        }
    }

    private static void unsubscribe(Hook<?> hook, UnsubscribeContext u, ArgumentSink sink) {
        username(u.username(), sink);
        sink.text(ArgumentKey.MOUNTPOINT, u.mountpoint());
        sink.text(ArgumentKey.CLIENT_ID, u.clientId());
        sink.table(ArgumentKey.TOPICS, new ArrayList<Object>(u.topics()));
        if (hook.isMqtt5()) {
            sink.table(ArgumentKey.PROPERTIES, properties(u.properties()));
        }
    }

    /** The {@code subopts} table: rap, no_local, retain_handling and sub_id when set. */
    static Map<String, Object> subscriptionOptions(SubscriptionOptions o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rap", o.retainAsPublished());
        m.put("no_local", o.noLocal());
        m.put("retain_handling", o.retainHandling().scriptName());
        o.subscriptionIdentifier().ifPresent(id -> m.put("sub_id", (long) id));
        return m;
    }

    /** The {@code properties} table with {@code p_*} keys (reference §1.5). */
    public static Map<String, Object> properties(MqttProperties p) {
        Map<String, Object> m = new LinkedHashMap<>();
        p.sessionExpiryInterval().ifPresent(v -> m.put("p_session_expiry_interval", v));
        p.receiveMaximum().ifPresent(v -> m.put("p_receive_max", (long) v));
        p.topicAliasMaximum().ifPresent(v -> m.put("p_topic_alias_max", (long) v));
        p.maximumPacketSize().ifPresent(v -> m.put("p_max_packet_size", v));
        p.requestResponseInformation().ifPresent(v -> m.put("p_request_response_info", v));
        p.requestProblemInformation().ifPresent(v -> m.put("p_request_problem_info", v));
        if (!p.userProperties().isEmpty()) {
            List<Object> users = new ArrayList<>(p.userProperties().size());
            for (UserProperty u : p.userProperties()) {
                Map<String, Object> one = new LinkedHashMap<>();
                one.put(u.key(), u.value());
                users.add(one);
            }
            m.put("p_user_property", users);
        }
        p.payloadFormat().ifPresent(v -> m.put("p_payload_format_indicator", v.scriptName()));
        p.messageExpiryInterval().ifPresent(v -> m.put("p_message_expiry_interval", v));
        p.contentType().ifPresent(v -> m.put("p_content_type", v));
        p.responseTopic().ifPresent(v -> m.put("p_response_topic", v));
        p.correlationData().ifPresent(v -> m.put("p_correlation_data", v.toByteArray()));
        p.topicAlias().ifPresent(v -> m.put("p_topic_alias", (long) v));
        if (!p.subscriptionIdentifiers().isEmpty()) {
            m.put("p_subscription_id", p.subscriptionIdentifiers().stream().map(i -> (Object) (long) i).toList());
        }
        p.authenticationMethod().ifPresent(v -> m.put("p_authentication_method", v));
        p.authenticationData().ifPresent(v -> m.put("p_authentication_data", v.toByteArray()));
        p.willDelayInterval().ifPresent(v -> m.put("p_will_delay_interval", v));
        return m;
    }
}
