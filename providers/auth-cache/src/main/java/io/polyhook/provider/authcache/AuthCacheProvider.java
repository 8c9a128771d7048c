package io.polyhook.provider.authcache;

import io.polyhook.core.provider.Arguments;
import io.polyhook.core.provider.DataProvider;
import io.polyhook.core.provider.Values;
import io.polyhook.spi.SubscriberId;
import org.slf4j.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The functions of the {@code auth_cache} library over one {@link AuthCache} (reference §2.15,
 * plus TTLs and invalidation).
 *
 * <pre>{@code
 * auth_cache.insert(mountpoint, client_id, username, publish_acls, subscribe_acls [, {ttl = seconds}]) -> true
 * auth_cache.match_publish(mountpoint, client_id, topic, qos, payload, retain) -> true | false | modifiers
 * auth_cache.match_subscribe(mountpoint, client_id, topic_filter, qos)        -> true | false | {{topic, qos}, ...}
 * auth_cache.invalidate{client_id = ..., mountpoint = ""}                      -> number of clients removed
 * auth_cache.invalidate{username = ..., mountpoint = nil}                      -> number of clients removed
 * }</pre>
 */
final class AuthCacheProvider {

    /** The longest TTL a script may give: a year, in seconds. */
    static final double MAX_TTL_SECONDS = 365 * 24 * 3600.0;

    private static final Set<String> INSERT_OPTIONS = Set.of("ttl");
    private static final Set<String> SELECTOR_KEYS = Set.of("client_id", "username", "mountpoint");

    private final AuthCache cache;
    private final Logger log;

    private AuthCacheProvider(AuthCache cache, Logger log) {
        this.cache = cache;
        this.log = log;
    }

    static DataProvider create(AuthCache cache, Logger log) {
        AuthCacheProvider p = new AuthCacheProvider(cache, log);
        return DataProvider.builder(AuthCacheProviderFactory.NAME)
                .function("insert", p::insert)
                .function("match_publish", p::matchPublish)
                .function("match_subscribe", p::matchSubscribe)
                .function("invalidate", p::invalidate)
                .build();
    }

    private Object insert(Arguments args) {
        String mountpoint = string(args, 1, "mountpoint");
        String clientId = string(args, 2, "client_id");
        String username = string(args, 3, "username");
        List<Object> publish = acls(args, 4, "publish_acls");
        List<Object> subscribe = acls(args, 5, "subscribe_acls");
        Duration ttl = ttl(args, 6);
        cache.insert(new SubscriberId(mountpoint, clientId), username, publish, subscribe, ttl);
        return true;
    }

    private Object matchPublish(Arguments args) {
        String mountpoint = string(args, 1, "mountpoint");
        String clientId = string(args, 2, "client_id");
        String topic = string(args, 3, "topic");
        int qos = qos(args, 4);
        int payloadSize = payload(args, 5);
        boolean retain = bool(args, 6, "retain");
        CachedAcls acls = cache.newest(mountpoint, clientId);
        PublishAcl acl = acls == null ? null : acls.publishAcl(topic, qos, payloadSize, retain);
        if (acl == null) {
            return false;
        }
        return acl.scriptModifiers() == null ? Boolean.TRUE : acl.scriptModifiers();
    }

    private Object matchSubscribe(Arguments args) {
        String mountpoint = string(args, 1, "mountpoint");
        String clientId = string(args, 2, "client_id");
        String filter = string(args, 3, "topic_filter");
        int qos = qos(args, 4);
        CachedAcls acls = cache.newest(mountpoint, clientId);
        SubscribeAcl acl = acls == null ? null : acls.subscribeAcl(filter, qos);
        if (acl == null) {
            return false;
        }
        return acl.scriptModifiers() == null ? Boolean.TRUE : acl.scriptModifiers();
    }

    private Object invalidate(Arguments args) {
        if (!args.isMap(1)) {
            throw args.argError(1, "selector: table {client_id = ..., mountpoint = ...} or {username = ...} expected, got "
                    + Values.typeName(args.get(1)));
        }
        Map<String, Object> selector = args.map(1);
        Set<String> unknown = new TreeSet<>(selector.keySet());
        unknown.removeAll(SELECTOR_KEYS);
        if (!unknown.isEmpty()) {
            throw args.argError(1, "selector: unknown keys " + unknown + " (client_id, username, mountpoint expected)");
        }
        Object clientId = selector.get("client_id");
        Object username = selector.get("username");
        Object mountpoint = selector.get("mountpoint");
        field(args, "client_id", clientId);
        field(args, "username", username);
        field(args, "mountpoint", mountpoint);
        if ((clientId == null) == (username == null)) {
            throw args.argError(1, "selector: exactly one of client_id and username expected");
        }
        if (clientId != null) {
            String mp = mountpoint == null ? "" : (String) mountpoint;
            return cache.invalidate(new SubscriberId(mp, (String) clientId)) ? 1L : 0L;
        }
        return (long) cache.invalidateUser((String) mountpoint, (String) username);
    }

    private Duration ttl(Arguments args, int position) {
        if (args.isNil(position)) {
            return null;
        }
        if (!args.isMap(position) && !(args.isList(position) && args.list(position).isEmpty())) {
            throw args.argError(position, "options: table expected, got " + Values.typeName(args.get(position)));
        }
        Map<String, Object> options = args.map(position);
        Set<String> unknown = new TreeSet<>(options.keySet());
        unknown.removeAll(INSERT_OPTIONS);
        if (!unknown.isEmpty()) {
            log.warn("{}: ignoring unknown options {}", args.function(), unknown);
        }
        Object ttl = options.get("ttl");
        if (ttl == null) {
            return null;
        }
        double seconds = switch (ttl) {
            case Long l -> l;
            case Double d -> d;
            default -> throw args.argError(position, "options.ttl: number of seconds expected, got " + Values.typeName(ttl));
        };
        if (!(seconds > 0 && seconds <= MAX_TTL_SECONDS)) {
            throw args.argError(position, "options.ttl: must be a number of seconds greater than 0, got " + ttl);
        }
        return Duration.ofNanos(Math.round(seconds * 1e9));
    }

    private static void field(Arguments args, String key, Object value) {
        if (value != null && !(value instanceof String)) {
            throw args.argError(1, "selector." + key + ": string expected, got " + Values.typeName(value));
        }
    }

    private static List<Object> acls(Arguments args, int position, String name) {
        if (args.isNil(position)) {
            return null;
        }
        if (args.isList(position) || args.isMap(position) && args.map(position).isEmpty()) {
            return args.list(position);
        }
        throw args.argError(position, name + ": array of ACL tables or nil expected, got " + Values.typeName(args.get(position)));
    }

    private static String string(Arguments args, int position, String name) {
        if (args.isString(position)) {
            return args.string(position);
        }
        throw args.argError(position, name + ": string expected, got " + got(args, position));
    }

    private static boolean bool(Arguments args, int position, String name) {
        if (args.isBool(position)) {
            return args.bool(position);
        }
        throw args.argError(position, name + ": boolean expected, got " + got(args, position));
    }

    private static int qos(Arguments args, int position) {
        if (!args.isInteger(position)) {
            throw args.argError(position, "qos: integer 0..2 expected, got " + got(args, position));
        }
        long qos = args.longValue(position);
        if (qos < 0 || qos > 2) {
            throw args.argError(position, "qos: integer 0..2 expected, got " + qos);
        }
        return (int) qos;
    }

    private static int payload(Arguments args, int position) {
        if (args.isString(position) || args.isBinary(position)) {
            return args.bytes(position).length;
        }
        throw args.argError(position, "payload: string expected, got " + got(args, position));
    }

    private static String got(Arguments args, int position) {
        return position > args.size() ? "no value" : Values.typeName(args.get(position));
    }
}
