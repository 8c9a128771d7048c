package io.polyhook.broker.scripttest;

import io.polyhook.core.script.model.HookArguments;
import io.polyhook.spi.AuthModifiers;
import io.polyhook.spi.DeliverModifiers;
import io.polyhook.spi.Modifiers;
import io.polyhook.spi.MqttProperties;
import io.polyhook.spi.PublishModifiers;
import io.polyhook.spi.RegisterModifiers;
import io.polyhook.spi.SubscribeModifiers;
import io.polyhook.spi.SubscriptionOptions;
import io.polyhook.spi.TopicSubscription;
import io.polyhook.spi.UnsubscribeModifiers;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Validated modifiers written back as the table a script returns ({@code {topic = "a/b"}},
 * {@code {{"a/#", 1}}}), for the report: the expected and the actual modifiers go through the
 * same validation and are shown the same way, so {@code qos = 1.0} and {@code qos = 1} do not
 * look different when they are not.
 */
final class ModifierTables {

    private ModifierTables() {
    }

    static Object of(Modifiers modifiers) {
        return switch (modifiers) {
            case RegisterModifiers r -> register(r);
            case PublishModifiers p -> {
                Map<String, Object> t = new LinkedHashMap<>();
                p.topic().ifPresent(v -> t.put("topic", v));
                p.payload().ifPresent(v -> t.put("payload", v.toByteArray()));
                p.qos().ifPresent(v -> t.put("qos", (long) v));
                p.retain().ifPresent(v -> t.put("retain", v));
                p.mountpoint().ifPresent(v -> t.put("mountpoint", v));
                p.throttle().ifPresent(v -> t.put("throttle", v.toMillis()));
                properties(t, p.properties());
                yield t;
            }
            case DeliverModifiers d -> {
                Map<String, Object> t = new LinkedHashMap<>();
                d.topic().ifPresent(v -> t.put("topic", v));
                d.payload().ifPresent(v -> t.put("payload", v.toByteArray()));
                properties(t, d.properties());
                yield t;
            }
            case SubscribeModifiers s -> {
                List<Object> topics = new ArrayList<>();
                for (TopicSubscription sub : s.topics()) {
                    topics.add(List.of(sub.filter(), sub.options().equals(SubscriptionOptions.DEFAULT)
                            ? (Object) (long) sub.qos() : List.of((long) sub.qos(), options(sub.options()))));
                }
                yield topics;
            }
            case UnsubscribeModifiers u -> new ArrayList<Object>(u.topics());
            case AuthModifiers a -> {
                Map<String, Object> t = new LinkedHashMap<>();
                t.put("reason_code", a.step().scriptName());
                MqttProperties.Builder p = MqttProperties.builder();
                a.authenticationMethod().ifPresent(p::authenticationMethod);
                a.authenticationData().ifPresent(p::authenticationData);
                properties(t, Optional.of(p.build()));
                yield t;
            }
        };
    }

    private static Map<String, Object> register(RegisterModifiers r) {
        Map<String, Object> t = new LinkedHashMap<>();
        r.subscriberId().ifPresent(id -> {
            Map<String, Object> sid = new LinkedHashMap<>();
            sid.put("mountpoint", id.mountpoint());
            sid.put("client_id", id.clientId());
            t.put("subscriber_id", sid);
        });
        r.username().ifPresent(v -> t.put("username", v));
        r.cleanSession().ifPresent(v -> t.put("clean_session", v));
        r.upgradeQos().ifPresent(v -> t.put("upgrade_qos", v));
        r.sharedSubscriptionPolicy().ifPresent(v -> t.put("shared_subscription_policy", v.scriptName()));
        r.queueType().ifPresent(v -> t.put("queue_type", v.scriptName()));
        r.permissions().forEach((p, v) -> t.put(p.scriptName(), v));
        r.limits().forEach((l, v) -> t.put(l.scriptName(), v));
        properties(t, r.properties());
        return t;
    }

    private static Map<String, Object> options(SubscriptionOptions o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rap", o.retainAsPublished());
        m.put("no_local", o.noLocal());
        m.put("retain_handling", o.retainHandling().scriptName());
        o.subscriptionIdentifier().ifPresent(id -> m.put("sub_id", (long) id));
        return m;
    }

    private static void properties(Map<String, Object> table, Optional<MqttProperties> properties) {
        properties.filter(p -> !p.isEmpty()).ifPresent(p -> table.put("properties", HookArguments.properties(p)));
    }
}
