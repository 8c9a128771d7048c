package io.polyhook.core.script.fake;

import io.polyhook.spi.AuthModifiers;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.ChainHook;
import io.polyhook.spi.DeliverModifiers;
import io.polyhook.spi.Hook;
import io.polyhook.spi.HookContext;
import io.polyhook.spi.InvalidModifierException;
import io.polyhook.spi.Modifiers;
import io.polyhook.spi.PublishModifiers;
import io.polyhook.spi.ReasonCode;
import io.polyhook.spi.RegisterModifiers;
import io.polyhook.spi.SubscribeModifiers;
import io.polyhook.spi.TopicSubscription;
import io.polyhook.spi.UnsubscribeModifiers;
import io.polyhook.spi.Verdict;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What one line of a {@code .fake} file does when its hook is called; see {@link FakeEngine}. */
@FunctionalInterface
interface FakeBehaviour {

    /** Returns a {@link Verdict} or {@code null}, or throws. */
    Object run(HookContext context) throws Exception;

    /**
     * Parses a behaviour for {@code hook}; {@code where} ({@code file:line}) starts error messages.
     *
     * @throws IllegalArgumentException if the text is not a behaviour or its modifiers are invalid
     */
    static FakeBehaviour parse(String text, Hook<?> hook, String where, List<String> records) {
        String word = text.split("\\s+", 2)[0];
        String rest = text.substring(word.length()).strip();
        return switch (word) {
            case "ok" -> context -> Verdict.ok();
            case "next" -> context -> Verdict.next();
            case "nil" -> context -> null;
            case "deny" -> deny(rest);
            case "error" -> context -> {
                throw new RuntimeException(where + ": " + rest);
            };
            case "invalid-modifiers" -> context -> {
                throw new InvalidModifierException("topic", 5L, "must be a string");
            };
            case "record" -> context -> {
                records.add(context.clientId());
                return Verdict.next();
            };
            case "sleep" -> sleep(rest, hook, where, records);
            case "modifiers" -> {
                if (!(hook instanceof ChainHook<?, ?> chain)) {
                    throw new IllegalArgumentException(hook.name() + " is a notification hook and takes no modifiers");
                }
                Verdict<?> verdict = Verdict.ok(modifiers(chain, pairs(rest)));
                yield context -> verdict;
            }
            default -> throw new IllegalArgumentException("unknown behaviour '" + text + "'");
        };
    }

    private static FakeBehaviour deny(String rest) {
        if (rest.isEmpty()) {
            return context -> Verdict.deny();
        }
        String[] parts = rest.split("\\s+", 2);
        ReasonCode code = ReasonCode.of(Integer.decode(parts[0]));
        Verdict<?> verdict = parts.length == 1 ? Verdict.deny(code) : Verdict.deny(code, parts[1]);
        return context -> verdict;
    }

    private static FakeBehaviour sleep(String rest, Hook<?> hook, String where, List<String> records) {
        String[] parts = rest.split("\\s+then\\s+", 2);
        if (parts.length != 2) {
            throw new IllegalArgumentException("expected sleep <ms> then <behaviour>, got 'sleep " + rest + "'");
        }
        long millis = Long.parseLong(parts[0].strip());
        FakeBehaviour then = parse(parts[1].strip(), hook, where, records);
        return context -> {
            Thread.sleep(millis);
            return then.run(context);
        };
    }

    private static Map<String, String> pairs(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : text.split(",")) {
            int eq = pair.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("expected key=value, got '" + pair + "'");
            }
            out.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
        }
        return out;
    }

    private static Modifiers modifiers(ChainHook<?, ?> hook, Map<String, String> kv) {
        Class<?> type = hook.modifierType();
        if (type == PublishModifiers.class) {
            PublishModifiers.Builder b = PublishModifiers.builder();
            kv.forEach((k, v) -> {
                switch (k) {
                    case "topic" -> b.topic(v);
                    case "qos" -> b.qos(Integer.parseInt(v));
                    case "retain" -> b.retain(Boolean.parseBoolean(v));
                    case "payload" -> b.payload(Bytes.utf8(v));
                    case "mountpoint" -> b.mountpoint(v);
                    case "throttle" -> b.throttle(Duration.ofMillis(Long.parseLong(v)));
                    default -> throw unknown(hook, k, v);
                }
            });
            return b.build();
        }
        if (type == DeliverModifiers.class) {
            DeliverModifiers.Builder b = DeliverModifiers.builder();
            kv.forEach((k, v) -> {
                switch (k) {
                    case "topic" -> b.topic(v);
                    case "payload" -> b.payload(Bytes.utf8(v));
                    default -> throw unknown(hook, k, v);
                }
            });
            return b.build();
        }
        if (type == RegisterModifiers.class) {
            RegisterModifiers.Builder b = RegisterModifiers.builder();
            kv.forEach((k, v) -> register(b, hook, k, v));
            return b.build();
        }
        if (type == SubscribeModifiers.class) {
            List<TopicSubscription> topics = new ArrayList<>();
            for (String entry : list(hook, kv)) {
                int colon = entry.lastIndexOf(':');
                topics.add(TopicSubscription.of(entry.substring(0, colon), Integer.parseInt(entry.substring(colon + 1))));
            }
            return new SubscribeModifiers(topics);
        }
        if (type == UnsubscribeModifiers.class) {
            return new UnsubscribeModifiers(list(hook, kv));
        }
        if (type == AuthModifiers.class) {
            AuthModifiers.Step step = AuthModifiers.Step.SUCCESS;
            Optional<String> method = Optional.empty();
            Optional<Bytes> data = Optional.empty();
            for (Map.Entry<String, String> e : kv.entrySet()) {
                switch (e.getKey()) {
                    case "reason_code" -> step = e.getValue().chars().allMatch(Character::isDigit)
                            ? AuthModifiers.Step.ofCode(Long.parseLong(e.getValue()))
                            : AuthModifiers.Step.ofScriptName(e.getValue());
                    case "method" -> method = Optional.of(e.getValue());
                    case "data" -> data = Optional.of(Bytes.utf8(e.getValue()));
                    default -> throw unknown(hook, e.getKey(), e.getValue());
                }
            }
            return new AuthModifiers(step, method, data);
        }
        throw new IllegalArgumentException("no modifiers for " + hook.name());
    }

    private static void register(RegisterModifiers.Builder b, ChainHook<?, ?> hook, String k, String v) {
        switch (k) {
            case "username" -> b.username(v);
            case "clean_session" -> b.cleanSession(Boolean.parseBoolean(v));
            default -> {
                for (RegisterModifiers.Limit limit : RegisterModifiers.Limit.values()) {
                    if (limit.scriptName().equals(k)) {
                        b.limit(limit, Long.parseLong(v));
                        return;
                    }
                }
                for (RegisterModifiers.Permission permission : RegisterModifiers.Permission.values()) {
                    if (permission.scriptName().equals(k)) {
                        b.permission(permission, Boolean.parseBoolean(v));
                        return;
                    }
                }
                throw unknown(hook, k, v);
            }
        }
    }

    private static List<String> list(ChainHook<?, ?> hook, Map<String, String> kv) {
        if (kv.size() != 1 || !kv.containsKey("topics")) {
            throw new IllegalArgumentException(hook.name() + " takes only topics=..., got " + kv.keySet());
        }
        String topics = kv.get("topics");
        return topics.isEmpty() ? List.of() : List.of(topics.split(";"));
    }

    private static InvalidModifierException unknown(ChainHook<?, ?> hook, String key, String value) {
        return new InvalidModifierException(key, value, "is not a modifier of " + hook.name());
    }
}
