package io.polyhook.core.script.model;

import io.polyhook.spi.AuthContext;
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
import io.polyhook.spi.SubscribeContext;
import io.polyhook.spi.UnsubscribeContext;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SequencedSet;
import java.util.Set;

/**
 * The typed context of a hook call from an argument table with {@link HookArguments}' keys: the
 * inverse of {@link HookArguments#of}, for tools that call a script's hooks with arguments a
 * person wrote down ({@code polyhook script test}). {@code HookArguments.of(hook, of(hook, args))}
 * gives {@code args} back, with {@code properties} added as an empty table where the hook has them.
 *
 * <p>Every key of the hook must be present except {@code username}, {@code password},
 * {@code client_cert} and {@code properties}, which may be left out (absent, as when a client
 * sends none). A key the hook does not have is an error, so a misspelt key is not silently
 * ignored. The MQTT version is the hook's: 5 for the {@code _m5} variants, 3.1.1 otherwise.
 */
public final class HookContexts {

    private static final Set<String> OPTIONAL = Set.of("username", "password", "client_cert", "properties");
    // What on_register[_m5] does not show a script, but a RegisterContext needs.
    private static final Listener UNSEEN_LISTENER = new Listener("0.0.0.0", 0, ListenerType.MQTT);

    private HookContexts() {
    }

    /**
     * The argument keys {@code hook} takes, in {@link HookArguments}' order; see
     * {@link #isOptional} for those that may be left out.
     */
    public static SequencedSet<String> keys(Hook<?> hook) {
        SequencedSet<String> keys = new LinkedHashSet<>();
        Class<?> type = hook.contextType();
        if (type == RegisterContext.class) {
            keys.addAll(List.of("addr", "port", "mountpoint", "client_id", "username"));
            if (hook == Hooks.AUTH_ON_REGISTER || hook == Hooks.AUTH_ON_REGISTER_M5) {
                keys.add("password");
                keys.add(hook == Hooks.AUTH_ON_REGISTER ? "clean_session" : "clean_start");
                keys.addAll(List.of("listener_addr", "listener_port", "listener_type", "client_cert"));
            }
        } else if (type == PublishContext.class) {
            if (hook != Hooks.ON_OFFLINE_MESSAGE) {
                keys.add("username");
            }
            keys.addAll(List.of("mountpoint", "client_id", "qos", "topic", "payload", "retain"));
        } else if (type == SubscribeContext.class || type == UnsubscribeContext.class || type == AuthContext.class) {
            keys.addAll(List.of("username", "mountpoint", "client_id"));
            if (type != AuthContext.class) {
                keys.add("topics");
            }
        } else {
            keys.addAll(List.of("mountpoint", "client_id"));
        }
        if (hook.isMqtt5() || hook == Hooks.ON_DELIVER) {
            keys.add("properties");
        }
        return keys;
    }

    /** Whether {@code key} may be left out of an argument table. */
    public static boolean isOptional(String key) {
        return OPTIONAL.contains(key);
    }

    /**
     * The context of a call of {@code hook} with the argument table {@code args} (model values:
     * strings or bytes for text and payloads, integral numbers, booleans, lists and tables).
     *
     * @throws IllegalArgumentException naming the key, if one is missing, unknown to the hook,
     *                                  or has a value of the wrong type
     */
    public static HookContext of(Hook<?> hook, Map<String, ?> args) {
        Set<String> keys = keys(hook);
        for (String key : args.keySet()) {
            if (!keys.contains(key)) {
                throw new IllegalArgumentException(key + " is not an argument of " + hook.name()
                        + " (its arguments: " + String.join(", ", keys) + ")");
            }
        }
        for (String key : keys) {
            if (!isOptional(key) && args.get(key) == null) {
                throw new IllegalArgumentException(hook.name() + " needs the argument " + key);
            }
        }
        Table t = new Table(args);
        MqttVersion version = hook.isMqtt5() ? MqttVersion.V5 : MqttVersion.V3_1_1;
        MqttProperties properties = t.properties();
        Class<?> type = hook.contextType();
        if (type == RegisterContext.class) {
            boolean full = keys.contains("password");
            Listener listener = full ? new Listener(t.text("listener_addr"), t.port("listener_port"),
                    listenerType(t.text("listener_type"))) : UNSEEN_LISTENER;
            boolean cleanStart = !full || t.bool(hook == Hooks.AUTH_ON_REGISTER ? "clean_session" : "clean_start");
            return new RegisterContext(version, new Peer(t.text("addr"), t.port("port")), listener, t.text("mountpoint"),
                    t.text("client_id"), t.optText("username"), t.optBytes("password"), cleanStart, properties,
                    t.optBytes("client_cert"));
        }
        if (type == PublishContext.class) {
            long qos = t.integer("qos");
            if (qos < 0 || qos > 2) {
                throw new IllegalArgumentException("qos must be 0, 1 or 2, was " + qos);
            }
            return new PublishContext(version, t.text("mountpoint"), t.text("client_id"), t.optText("username"),
                    t.text("topic"), (int) qos, t.optBytes("payload").orElseThrow(), t.bool("retain"), properties);
        }
        if (type == SubscribeContext.class) {
            return new SubscribeContext(version, t.text("mountpoint"), t.text("client_id"), t.optText("username"),
                    HookResults.subscriptions(t.list("topics")), properties);
        }
        if (type == UnsubscribeContext.class) {
            return new UnsubscribeContext(version, t.text("mountpoint"), t.text("client_id"), t.optText("username"),
                    HookResults.filters(t.list("topics")), properties);
        }
        if (type == AuthContext.class) {
            return new AuthContext(t.text("mountpoint"), t.text("client_id"), t.optText("username"), properties);
        }
        return new ClientContext(t.text("mountpoint"), t.text("client_id"));
    }

    private static ListenerType listenerType(String name) {
        for (ListenerType type : ListenerType.values()) {
            if (type.scriptName().equals(name)) {
                return type;
            }
        }
        List<String> names = new ArrayList<>();
        for (ListenerType type : ListenerType.values()) {
            names.add(type.scriptName());
        }
        throw new IllegalArgumentException("listener_type must be one of " + String.join(", ", names) + ", was \"" + name + "\"");
    }

    /** Typed reads of the argument table, failing with the key's name. */
    private record Table(Map<String, ?> args) {

        String text(String key) {
            if (args.get(key) instanceof String s) {
                return s;
            }
            throw wrong(key, "a string");
        }

        Optional<String> optText(String key) {
            return args.get(key) == null ? Optional.empty() : Optional.of(text(key));
        }

        Optional<Bytes> optBytes(String key) {
            Object v = args.get(key);
            if (v == null) {
                return Optional.empty();
            }
            if (v instanceof String s) {
                return Optional.of(Bytes.wrap(s.getBytes(StandardCharsets.UTF_8)));
            }
            if (v instanceof byte[] b) {
                return Optional.of(Bytes.copyOf(b));
            }
            throw wrong(key, "a string");
        }

        boolean bool(String key) {
            if (args.get(key) instanceof Boolean b) {
                return b;
            }
            throw wrong(key, "a boolean");
        }

        long integer(String key) {
            Object v = args.get(key);
            if (v instanceof Long l) {
                return l;
            }
            if (v instanceof Double d && d == Math.rint(d) && !d.isInfinite()) {
                return d.longValue();
            }
            throw wrong(key, "an integer");
        }

        int port(String key) {
            long port = integer(key);
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException(key + " must be 0..65535, was " + port);
            }
            return (int) port;
        }

        List<?> list(String key) {
            Object v = args.get(key);
            if (v instanceof List<?> l) {
                return l;
            }
            if (v instanceof Map<?, ?> m && m.isEmpty()) {
                return List.of();
            }
            throw wrong(key, "an array");
        }

        MqttProperties properties() {
            Object v = args.get("properties");
            return v == null ? MqttProperties.EMPTY : HookResults.properties("properties", v);
        }

        private IllegalArgumentException wrong(String key, String expected) {
            Object v = args.get(key);
            String shown = v instanceof String s ? '"' + s + '"' : v instanceof byte[] ? "bytes" : String.valueOf(v);
            return new IllegalArgumentException(key + " must be " + expected + ", was " + shown);
        }
    }
}
