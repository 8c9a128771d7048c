package io.polyhook.core.script.model;

import io.polyhook.core.hook.ModifierRules;
import io.polyhook.spi.AuthModifiers;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.ChainHook;
import io.polyhook.spi.DeliverModifiers;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.InvalidModifierException;
import io.polyhook.spi.Modifiers;
import io.polyhook.spi.MqttProperties;
import io.polyhook.spi.PayloadFormat;
import io.polyhook.spi.PropertyKey;
import io.polyhook.spi.PublishModifiers;
import io.polyhook.spi.QueueType;
import io.polyhook.spi.ReasonCode;
import io.polyhook.spi.RegisterModifiers;
import io.polyhook.spi.RetainHandling;
import io.polyhook.spi.SharedSubscriptionPolicy;
import io.polyhook.spi.SubscribeModifiers;
import io.polyhook.spi.SubscriberId;
import io.polyhook.spi.SubscriptionOptions;
import io.polyhook.spi.TopicSubscription;
import io.polyhook.spi.UnsubscribeModifiers;
import io.polyhook.spi.Verdict;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Turns what a script's chain-hook function returned into a {@link Verdict} (reference §1.3,
 * §1.4), from neutral model values.
 *
 * <table>
 *   <caption>Return values</caption>
 *   <tr><th>returned</th><th>verdict</th></tr>
 *   <tr><td>{@code true}</td><td>ok</td></tr>
 *   <tr><td>{@code false}</td><td>deny; a second and third return value may give the MQTT 5
 *       reason code (number or name such as {@code "quota_exceeded"}) and reason string</td></tr>
 *   <tr><td>a table</td><td>ok with modifiers, validated for the hook; invalid ones throw
 *       {@link InvalidModifierException} naming the field and value</td></tr>
 *   <tr><td>anything else ({@code nil}, a number, {@code "next"})</td><td>next</td></tr>
 * </table>
 *
 * <p>Numbers with an integral value are accepted where an integer is expected; register limits
 * are rounded, as in vmq_diversity. An empty table is invalid, except for
 * {@code auth_on_subscribe}, where it subscribes nothing.
 */
public final class HookResults {

    private HookResults() {
    }

    /**
     * The verdict for {@code returned}, the first value the script's function returned, and
     * {@code more}, the values after it (empty when there were none).
     */
    @SuppressWarnings("unchecked")
    public static <M extends Modifiers> Verdict<M> verdict(ChainHook<?, M> hook, Object returned, List<?> more) {
        if (Boolean.TRUE.equals(returned)) {
            return Verdict.ok();
        }
        if (Boolean.FALSE.equals(returned)) {
            return deny(more);
        }
        if (returned instanceof Map<?, ?> || returned instanceof List<?>) {
            return Verdict.ok(ModifierRules.check(hook, (M) modifiers(hook, returned)));
        }
        return Verdict.next();
    }

    /**
     * The verdict for {@code returned}: one model value, or what {@link #values} made of several.
     * For engines whose calls hand back a single object, so that the common one-value return
     * needs no carrier.
     */
    public static <M extends Modifiers> Verdict<M> verdict(ChainHook<?, M> hook, Object returned) {
        return returned instanceof Several several ? verdict(hook, several.first(), several.more())
                : verdict(hook, returned, List.of());
    }

    /**
     * What a function returned when it returned more than one value ({@code false, code, reason}),
     * for {@link #verdict(ChainHook, Object)}. It is no model value, so it cannot be mistaken for
     * one; {@code more} is kept as given (it may hold nulls).
     */
    public static Object values(Object first, List<?> more) {
        return new Several(first, more);
    }

    private record Several(Object first, List<?> more) {
    }

    private static <M extends Modifiers> Verdict<M> deny(List<?> more) {
        Object code = more.isEmpty() ? null : more.get(0);
        Object reason = more.size() < 2 ? null : more.get(1);
        if (code == null && reason == null) {
            return Verdict.deny();
        }
        ReasonCode reasonCode = code == null ? ReasonCode.NOT_AUTHORIZED : reasonCode(code);
        return reason == null ? Verdict.deny(reasonCode) : Verdict.deny(reasonCode, text("reason_string", reason));
    }

    private static ReasonCode reasonCode(Object code) {
        if (code instanceof String name) {
            try {
                return ReasonCode.valueOf(name.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new InvalidModifierException("reason_code", name, "must be an MQTT 5 error reason name such as not_authorized");
            }
        }
        return ReasonCode.of((int) integral("reason_code", code));
    }

    private static Modifiers modifiers(ChainHook<?, ?> hook, Object value) {
        boolean empty = value instanceof Map<?, ?> m ? m.isEmpty() : ((List<?>) value).isEmpty();
        if (hook == Hooks.AUTH_ON_SUBSCRIBE) {
            return empty ? new SubscribeModifiers(List.of()) : new SubscribeModifiers(subscriptions(list("topics", value)));
        }
        if (empty) {
            throw new InvalidModifierException("modifiers", "{}", "must not be an empty table for " + hook.name());
        }
        if (hook == Hooks.ON_UNSUBSCRIBE) {
            return new UnsubscribeModifiers(filters(list("topics", value)));
        }
        Map<?, ?> table = map("modifiers", value);
        if (hook == Hooks.AUTH_ON_SUBSCRIBE_M5) {
            requireOnly(hook, table, "topics");
            return new SubscribeModifiers(subscriptions(list("topics", table.get("topics"))));
        }
        if (hook == Hooks.ON_UNSUBSCRIBE_M5) {
            requireOnly(hook, table, "topics");
            return new UnsubscribeModifiers(filters(list("topics", table.get("topics"))));
        }
        if (hook == Hooks.AUTH_ON_REGISTER || hook == Hooks.AUTH_ON_REGISTER_M5) {
            return register(hook, table);
        }
        if (hook == Hooks.AUTH_ON_PUBLISH || hook == Hooks.AUTH_ON_PUBLISH_M5) {
            return publish(hook, table);
        }
        if (hook == Hooks.ON_DELIVER || hook == Hooks.ON_DELIVER_M5) {
            return deliver(hook, table);
        }
        return auth(hook, table);
    }

    private static RegisterModifiers register(ChainHook<?, ?> hook, Map<?, ?> table) {
        RegisterModifiers.Builder b = RegisterModifiers.builder();
        for (Map.Entry<?, ?> e : table.entrySet()) {
            String key = String.valueOf(e.getKey());
            Object v = e.getValue();
            switch (key) {
                case "subscriber_id" -> {
                    Map<?, ?> id = map(key, v);
                    if (!(id.get("mountpoint") instanceof String mp) || !(id.get("client_id") instanceof String cid)) {
                        throw new InvalidModifierException(key, v, "must be a table with string mountpoint and client_id");
                    }
                    b.subscriberId(new SubscriberId(mp, cid));
                }
                case "username" -> b.username(text(key, v));
                case "clean_session" -> b.cleanSession(bool(key, v));
                case "upgrade_qos" -> b.upgradeQos(bool(key, v));
                case "shared_subscription_policy" -> b.sharedSubscriptionPolicy(SharedSubscriptionPolicy.ofScriptName(text(key, v)));
                case "queue_type" -> b.queueType(QueueType.ofScriptName(text(key, v)));
                case "properties" -> b.properties(properties(key, v));
                default -> {
                    RegisterModifiers.Permission permission = permission(key);
                    RegisterModifiers.Limit limit = permission == null ? limit(key) : null;
                    if (permission != null) {
                        b.permission(permission, bool(key, v));
                    } else if (limit != null) {
                        b.limit(limit, rounded(key, v));
                    } else {
                        throw unknown(hook, key, v);
                    }
                }
            }
        }
        return b.build();
    }

    private static PublishModifiers publish(ChainHook<?, ?> hook, Map<?, ?> table) {
        PublishModifiers.Builder b = PublishModifiers.builder();
        for (Map.Entry<?, ?> e : table.entrySet()) {
            String key = String.valueOf(e.getKey());
            Object v = e.getValue();
            switch (key) {
                case "topic" -> b.topic(text(key, v));
                case "payload" -> b.payload(bytes(key, v));
                case "qos" -> b.qos((int) integral(key, v));
                case "retain" -> b.retain(bool(key, v));
                case "mountpoint" -> b.mountpoint(text(key, v));
                case "throttle" -> b.throttle(Duration.ofMillis(rounded(key, v)));
                case "properties" -> b.properties(properties(key, v));
                default -> throw unknown(hook, key, v);
            }
        }
        return b.build();
    }

    private static DeliverModifiers deliver(ChainHook<?, ?> hook, Map<?, ?> table) {
        DeliverModifiers.Builder b = DeliverModifiers.builder();
        for (Map.Entry<?, ?> e : table.entrySet()) {
            String key = String.valueOf(e.getKey());
            Object v = e.getValue();
            switch (key) {
                case "topic" -> b.topic(text(key, v));
                case "payload" -> b.payload(bytes(key, v));
                case "properties" -> b.properties(properties(key, v));
                default -> throw unknown(hook, key, v);
            }
        }
        return b.build();
    }

    private static AuthModifiers auth(ChainHook<?, ?> hook, Map<?, ?> table) {
        requireOnly(hook, table, "properties", "reason_code");
        AuthModifiers.Step step = AuthModifiers.Step.SUCCESS;
        Object code = table.get("reason_code");
        if (code instanceof String name) {
            step = AuthModifiers.Step.ofScriptName(name);
        } else if (code != null) {
            step = AuthModifiers.Step.ofCode(integral("reason_code", code));
        }
        MqttProperties props = table.containsKey("properties") ? properties("properties", table.get("properties")) : MqttProperties.EMPTY;
        props.requireOnly(java.util.Set.of(PropertyKey.AUTHENTICATION_METHOD, PropertyKey.AUTHENTICATION_DATA), hook.name());
        return new AuthModifiers(step, props.authenticationMethod(), props.authenticationData());
    }

    /** Subscriptions from {@code {filter, qos}} or {@code {filter, {qos, subopts}}} pairs; also read by {@link HookContexts}. */
    static List<TopicSubscription> subscriptions(List<?> entries) {
        List<TopicSubscription> out = new ArrayList<>(entries.size());
        for (Object entry : entries) {
            List<?> pair = list("topics", entry);
            if (pair.size() != 2) {
                throw new InvalidModifierException("topics", entry, "entries must be {topic, qos} or {topic, {qos, subopts}}");
            }
            String filter = text("topic", pair.get(0));
            Object second = pair.get(1);
            if (second instanceof List<?> qosAndOptions) {
                if (qosAndOptions.isEmpty()) {
                    throw new InvalidModifierException("qos", second, "must be a number or {qos, subopts}");
                }
                int qos = (int) integral("qos", qosAndOptions.get(0));
                SubscriptionOptions options = qosAndOptions.size() > 1 ? options(qosAndOptions.get(1)) : SubscriptionOptions.DEFAULT;
                out.add(new TopicSubscription(filter, qos, options));
            } else {
                out.add(TopicSubscription.of(filter, (int) integral("qos", second)));
            }
        }
        return out;
    }

    private static SubscriptionOptions options(Object value) {
        Map<?, ?> m = value instanceof List<?> l && l.isEmpty() ? Map.of() : map("subopts", value);
        boolean rap = false;
        boolean noLocal = false;
        RetainHandling handling = RetainHandling.SEND_RETAIN;
        OptionalInt subId = OptionalInt.empty();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            String key = String.valueOf(e.getKey());
            switch (key) {
                case "rap" -> rap = bool(key, e.getValue());
                case "no_local" -> noLocal = bool(key, e.getValue());
                case "retain_handling" -> handling = RetainHandling.ofScriptName(text(key, e.getValue()));
                case "sub_id" -> subId = OptionalInt.of((int) integral(key, e.getValue()));
                default -> throw new InvalidModifierException("subopts." + key, e.getValue(), "is not a subscription option");
            }
        }
        return new SubscriptionOptions(rap, noLocal, handling, subId);
    }

    /** Topic filters from an array of strings; also read by {@link HookContexts}. */
    static List<String> filters(List<?> entries) {
        List<String> out = new ArrayList<>(entries.size());
        for (Object t : entries) {
            out.add(text("topics", t));
        }
        return out;
    }

    /** Builds properties from a {@code p_*} table; hook whitelists are applied by the modifier builders. */
    static MqttProperties properties(String field, Object value) {
        MqttProperties.Builder b = MqttProperties.builder();
        Map<?, ?> table = value instanceof List<?> l && l.isEmpty() ? Map.of() : map(field, value);
        for (Map.Entry<?, ?> e : table.entrySet()) {
            String key = String.valueOf(e.getKey());
            Object v = e.getValue();
            PropertyKey p = PropertyKey.ofScriptName(key);
            if (p == null) {
                throw new InvalidModifierException(field + "." + key, v, "is not an MQTT 5 property");
            }
            String name = field + "." + key;
            switch (p) {
                case SESSION_EXPIRY_INTERVAL -> b.sessionExpiryInterval(integral(name, v));
                case RECEIVE_MAXIMUM -> b.receiveMaximum((int) integral(name, v));
                case TOPIC_ALIAS_MAXIMUM -> b.topicAliasMaximum((int) integral(name, v));
                case MAXIMUM_PACKET_SIZE -> b.maximumPacketSize(integral(name, v));
                case REQUEST_RESPONSE_INFORMATION -> b.requestResponseInformation(bool(name, v));
                case REQUEST_PROBLEM_INFORMATION -> b.requestProblemInformation(bool(name, v));
                case USER_PROPERTY -> {
                    for (Object one : list(name, v)) {
                        for (Map.Entry<?, ?> kv : map(name, one).entrySet()) {
                            b.addUserProperty(String.valueOf(kv.getKey()), text(name, kv.getValue()));
                        }
                    }
                }
                case PAYLOAD_FORMAT_INDICATOR -> b.payloadFormat(switch (text(name, v)) {
                    case "utf8" -> PayloadFormat.UTF8;
                    case "undefined" -> PayloadFormat.UNSPECIFIED;
                    default -> throw new InvalidModifierException(name, v, "must be \"utf8\" or \"undefined\"");
                });
                case MESSAGE_EXPIRY_INTERVAL -> b.messageExpiryInterval(integral(name, v));
                case CONTENT_TYPE -> b.contentType(text(name, v));
                case RESPONSE_TOPIC -> b.responseTopic(text(name, v));
                case CORRELATION_DATA -> b.correlationData(bytes(name, v));
                case TOPIC_ALIAS -> b.topicAlias((int) integral(name, v));
                case SUBSCRIPTION_IDENTIFIER -> {
                    for (Object id : list(name, v)) {
                        b.addSubscriptionIdentifier((int) integral(name, id));
                    }
                }
                case AUTHENTICATION_METHOD -> b.authenticationMethod(text(name, v));
                case AUTHENTICATION_DATA -> b.authenticationData(bytes(name, v));
                case WILL_DELAY_INTERVAL -> b.willDelayInterval(integral(name, v));
            }
        }
        return b.build();
    }

    private static RegisterModifiers.Permission permission(String key) {
        for (RegisterModifiers.Permission p : RegisterModifiers.Permission.values()) {
            if (p.scriptName().equals(key)) {
                return p;
            }
        }
        return null;
    }

    private static RegisterModifiers.Limit limit(String key) {
        for (RegisterModifiers.Limit l : RegisterModifiers.Limit.values()) {
            if (l.scriptName().equals(key)) {
                return l;
            }
        }
        return null;
    }

    private static void requireOnly(ChainHook<?, ?> hook, Map<?, ?> table, String... keys) {
        List<String> allowed = List.of(keys);
        for (Map.Entry<?, ?> e : table.entrySet()) {
            if (!allowed.contains(String.valueOf(e.getKey()))) {
                throw unknown(hook, String.valueOf(e.getKey()), e.getValue());
            }
        }
    }

    private static InvalidModifierException unknown(ChainHook<?, ?> hook, String key, Object value) {
        return new InvalidModifierException(key, value, "is not a modifier of " + hook.name());
    }

    private static String text(String field, Object v) {
        if (v instanceof String s) {
            return s;
        }
        throw new InvalidModifierException(field, v, "must be a string");
    }

    private static Bytes bytes(String field, Object v) {
        if (v instanceof String s) {
            return Bytes.wrap(s.getBytes(StandardCharsets.UTF_8));
        }
        if (v instanceof byte[] b) {
            return Bytes.copyOf(b);
        }
        throw new InvalidModifierException(field, v, "must be a string");
    }

    private static boolean bool(String field, Object v) {
        if (v instanceof Boolean b) {
            return b;
        }
        throw new InvalidModifierException(field, v, "must be a boolean");
    }

    private static long integral(String field, Object v) {
        if (v instanceof Long l) {
            return l;
        }
        if (v instanceof Double d && d == Math.rint(d) && !d.isInfinite()) {
            return d.longValue();
        }
        throw new InvalidModifierException(field, v, "must be an integer");
    }

    private static long rounded(String field, Object v) {
        if (v instanceof Long l) {
            return l;
        }
        if (v instanceof Double d && !d.isNaN() && !d.isInfinite()) {
            return Math.round(d);
        }
        throw new InvalidModifierException(field, v, "must be a number");
    }

    private static Map<?, ?> map(String field, Object v) {
        if (v instanceof Map<?, ?> m) {
            return m;
        }
        throw new InvalidModifierException(field, v instanceof List<?> ? "an array" : v, "must be a table with string keys");
    }

    private static List<?> list(String field, Object v) {
        if (v instanceof List<?> l) {
            return l;
        }
        if (v instanceof Map<?, ?> m && m.isEmpty()) {
            return List.of();
        }
        throw new InvalidModifierException(field, v instanceof Map<?, ?> ? "a table" : v, "must be an array");
    }
}
