package io.polyhook.provider.authcache;

import io.polyhook.core.provider.Values;
import io.polyhook.core.script.model.HookResults;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.InvalidModifierException;
import io.polyhook.spi.PublishModifiers;
import io.polyhook.spi.SubscribeModifiers;
import io.polyhook.spi.SubscriberId;
import io.polyhook.spi.TopicSubscription;
import io.polyhook.spi.Verdict;
import org.slf4j.Logger;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads ACL tables (reference §3.5, the JSON format of the bundled auth scripts) into matchable
 * ACLs. It never fails: what is wrong in one ACL is logged, and that ACL matches nothing (a
 * missing or invalid pattern or limit), is read without the offending key (an unknown key), or
 * grants unmodified (invalid modifiers). Modifiers are validated with the same code that
 * validates a script's hook return values ({@link HookResults}).
 */
final class AclReader {

    /** The largest payload MQTT allows, and the default {@code max_payload_size}. */
    static final long MAX_PAYLOAD_SIZE = 268_435_456L;

    private static final Set<String> KEYS = Set.of("pattern", "max_qos", "max_payload_size", "allowed_retain", "modifiers");

    private final Logger log;
    private final SubscriberId id;
    private final String username;

    AclReader(Logger log, SubscriberId id, String username) {
        this.log = log;
        this.id = id;
        this.username = username;
    }

    /** The publish ACLs of {@code tables} ({@code null}: none). */
    PublishAcl[] publish(List<?> tables) {
        if (tables == null) {
            return new PublishAcl[0];
        }
        PublishAcl[] out = new PublishAcl[tables.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = publish(new Acl("publish", i + 1, tables.get(i)));
        }
        return out;
    }

    /** The subscribe ACLs of {@code tables} ({@code null}: none). */
    SubscribeAcl[] subscribe(List<?> tables) {
        if (tables == null) {
            return new SubscribeAcl[0];
        }
        SubscribeAcl[] out = new SubscribeAcl[tables.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = subscribe(new Acl("subscribe", i + 1, tables.get(i)));
        }
        return out;
    }

    private PublishAcl publish(Acl acl) {
        TopicPattern pattern = acl.pattern();
        int maxQos = (int) acl.integer("max_qos", 0, 2, 2);
        long maxPayloadSize = acl.integer("max_payload_size", 0, MAX_PAYLOAD_SIZE, MAX_PAYLOAD_SIZE);
        boolean allowedRetain = acl.bool("allowed_retain", true);
        if (acl.broken) {
            return new PublishAcl(TopicPattern.NOTHING, -1, -1, false, Verdict.deny(), Verdict.deny(), null);
        }
        Object raw = acl.fields.get("modifiers");
        if (isEmpty(raw)) {
            return new PublishAcl(pattern, maxQos, maxPayloadSize, allowedRetain, Verdict.ok(), Verdict.ok(), null);
        }
        try {
            if (!(raw instanceof Map<?, ?> table)) {
                throw new InvalidModifierException("modifiers", Values.typeName(raw), "must be a table");
            }
            Verdict<PublishModifiers> v5 = HookResults.verdict(Hooks.AUTH_ON_PUBLISH_M5, table, List.of());
            // MQTT 3 clients get the same changes without the MQTT 5 properties.
            Map<Object, Object> withoutProperties = new LinkedHashMap<>(table);
            withoutProperties.remove("properties");
            Verdict<PublishModifiers> v3 = withoutProperties.isEmpty() ? Verdict.ok()
                    : HookResults.verdict(Hooks.AUTH_ON_PUBLISH, withoutProperties, List.of());
            @SuppressWarnings("unchecked")
            Map<String, Object> script = (Map<String, Object>) Values.immutableCopy(table);
            return new PublishAcl(pattern, maxQos, maxPayloadSize, allowedRetain, v3, v5, script);
        } catch (RuntimeException e) {
            acl.warn("invalid modifiers dropped, the ACL grants unmodified: " + e.getMessage());
            return new PublishAcl(pattern, maxQos, maxPayloadSize, allowedRetain, Verdict.ok(), Verdict.ok(), null);
        }
    }

    private SubscribeAcl subscribe(Acl acl) {
        TopicPattern pattern = acl.pattern();
        int maxQos = (int) acl.integer("max_qos", 0, 2, 2);
        if (acl.broken) {
            return new SubscribeAcl(TopicPattern.NOTHING, -1, null, null);
        }
        Object raw = acl.fields.get("modifiers");
        if (isEmpty(raw)) {
            return new SubscribeAcl(pattern, maxQos, null, null);
        }
        try {
            if (!(raw instanceof List<?> pairs)) {
                throw new InvalidModifierException("modifiers", Values.typeName(raw), "must be an array of {topic, qos} pairs");
            }
            Verdict<SubscribeModifiers> v = HookResults.verdict(Hooks.AUTH_ON_SUBSCRIBE, pairs, List.of());
            List<TopicSubscription> rewrite = ((Verdict.Ok<SubscribeModifiers>) v).modifiers().orElseThrow().topics();
            @SuppressWarnings("unchecked")
            List<Object> script = (List<Object>) Values.immutableCopy(pairs);
            return new SubscribeAcl(pattern, maxQos, rewrite, script);
        } catch (RuntimeException e) {
            acl.warn("invalid modifiers dropped, the ACL grants unmodified: " + e.getMessage());
            return new SubscribeAcl(pattern, maxQos, null, null);
        }
    }

    private static boolean isEmpty(Object raw) {
        return raw == null || raw instanceof Map<?, ?> m && m.isEmpty() || raw instanceof List<?> l && l.isEmpty();
    }

    /** One ACL table being read; {@link #broken} once something makes it match nothing. */
    private final class Acl {
        private final String kind;
        private final int position;
        private final Map<?, ?> fields;
        private boolean broken;

        Acl(String kind, int position, Object table) {
            this.kind = kind;
            this.position = position;
            if (table instanceof Map<?, ?> m) {
                fields = m;
                Set<String> unknown = new TreeSet<>();
                m.keySet().forEach(k -> {
                    if (!KEYS.contains(String.valueOf(k))) {
                        unknown.add(String.valueOf(k));
                    }
                });
                if (!unknown.isEmpty()) {
                    warn("unknown keys ignored: " + unknown);
                }
            } else {
                fields = Map.of();
                fail("table expected, got " + Values.typeName(table));
            }
        }

        TopicPattern pattern() {
            Object value = fields.get("pattern");
            if (broken) {
                return TopicPattern.NOTHING;
            }
            if (!(value instanceof String text)) {
                fail("pattern: string expected, got " + Values.typeName(value));
                return TopicPattern.NOTHING;
            }
            try {
                return TopicPattern.compile(text, id.mountpoint(), id.clientId(), username);
            } catch (IllegalArgumentException e) {
                fail(e.getMessage());
                return TopicPattern.NOTHING;
            }
        }

        long integer(String key, long min, long max, long def) {
            Object value = fields.get(key);
            long n;
            if (value == null) {
                return def;
            } else if (value instanceof Long l) {
                n = l;
            } else if (value instanceof Double d && d == Math.rint(d) && !d.isInfinite()) {
                n = d.longValue();
            } else {
                fail(key + ": integer expected, got " + (value instanceof Double ? value : Values.typeName(value)));
                return def;
            }
            if (n < min || n > max) {
                fail(key + ": must be " + min + ".." + max + ", got " + n);
            }
            return n;
        }

        boolean bool(String key, boolean def) {
            Object value = fields.get(key);
            if (value == null) {
                return def;
            }
            if (value instanceof Boolean b) {
                return b;
            }
            fail(key + ": boolean expected, got " + Values.typeName(value));
            return def;
        }

        private void fail(String problem) {
            if (!broken) {
                broken = true;
                warn(problem + "; the ACL matches nothing");
            }
        }

        void warn(String problem) {
            log.warn("auth_cache: {} ACL #{} of client '{}' (mountpoint '{}'): {}", kind, position, id.clientId(),
                    id.mountpoint(), problem);
        }
    }
}
