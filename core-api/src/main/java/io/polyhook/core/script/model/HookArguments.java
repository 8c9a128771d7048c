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
        switch (context) {
            case RegisterContext r -> register(hook, r, t);
            case PublishContext p -> publish(hook, p, t);
            case SubscribeContext s -> subscribe(hook, s, t);
            case UnsubscribeContext u -> unsubscribe(hook, u, t);
            case AuthContext a -> {
                t.put("username", a.username().orElse(null));
                t.put("mountpoint", a.mountpoint());
                t.put("client_id", a.clientId());
                t.put("properties", properties(a.properties()));
            }
            case ClientContext c -> {
                t.put("mountpoint", c.mountpoint());
                t.put("client_id", c.clientId());
            }
        }
        t.values().removeIf(v -> v == null);
        return t;
    }

    private static void register(Hook<?> hook, RegisterContext r, Map<String, Object> t) {
        t.put("addr", r.peer().address());
        t.put("port", (long) r.peer().port());
        t.put("mountpoint", r.mountpoint());
        t.put("client_id", r.clientId());
        t.put("username", r.username().orElse(null));
        if (hook == Hooks.ON_REGISTER) {
            return;
        }
        if (hook == Hooks.ON_REGISTER_M5) {
            t.put("properties", properties(r.properties()));
            return;
        }
        t.put("password", r.password().map(Bytes::toByteArray).orElse(null));
        if (hook == Hooks.AUTH_ON_REGISTER_M5) {
            t.put("clean_start", r.cleanStart());
            t.put("properties", properties(r.properties()));
        } else {
            t.put("clean_session", r.cleanStart());
        }
        t.put("listener_addr", r.listener().address());
        t.put("listener_port", (long) r.listener().port());
        t.put("listener_type", r.listener().type().scriptName());
        r.clientCertificate().ifPresent(cert -> t.put("client_cert", cert.toByteArray()));
    }

    private static void publish(Hook<?> hook, PublishContext p, Map<String, Object> t) {
        if (hook != Hooks.ON_OFFLINE_MESSAGE) {
            t.put("username", p.username().orElse(null));
        }
        t.put("mountpoint", p.mountpoint());
        t.put("client_id", p.clientId());
        t.put("qos", (long) p.qos());
        t.put("topic", p.topic());
        t.put("payload", p.payload().toByteArray());
        t.put("retain", p.retain());
        // on_deliver carries properties for MQTT 3 subscribers too (usually empty), as in vmq_diversity.
        if (hook.isMqtt5() || hook == Hooks.ON_DELIVER) {
            t.put("properties", properties(p.properties()));
        }
    }

    private static void subscribe(Hook<?> hook, SubscribeContext s, Map<String, Object> t) {
        t.put("username", s.username().orElse(null));
        t.put("mountpoint", s.mountpoint());
        t.put("client_id", s.clientId());
        List<Object> topics = new ArrayList<>(s.topics().size());
        for (TopicSubscription sub : s.topics()) {
            Object qos = (long) sub.qos();
            if (hook.isMqtt5()) {
                qos = List.of((long) sub.qos(), subscriptionOptions(sub.options()));
            }
            topics.add(List.of(sub.filter(), qos));
        }
        t.put("topics", topics);
        if (hook.isMqtt5()) {
            t.put("properties", properties(s.properties()));
        }
    }

    private static void unsubscribe(Hook<?> hook, UnsubscribeContext u, Map<String, Object> t) {
        t.put("username", u.username().orElse(null));
        t.put("mountpoint", u.mountpoint());
        t.put("client_id", u.clientId());
        t.put("topics", new ArrayList<Object>(u.topics()));
        if (hook.isMqtt5()) {
            t.put("properties", properties(u.properties()));
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
