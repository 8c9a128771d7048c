package io.polyhook.broker.config;

import static io.polyhook.broker.config.YamlValues.address;
import static io.polyhook.broker.config.YamlValues.bool;
import static io.polyhook.broker.config.YamlValues.describe;
import static io.polyhook.broker.config.YamlValues.duration;
import static io.polyhook.broker.config.YamlValues.freeMap;
import static io.polyhook.broker.config.YamlValues.integer;
import static io.polyhook.broker.config.YamlValues.kind;
import static io.polyhook.broker.config.YamlValues.object;
import static io.polyhook.broker.config.YamlValues.plain;
import static io.polyhook.broker.config.YamlValues.text;

import io.polyhook.core.hook.TimeoutFallback;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.InvalidModifierException;
import io.polyhook.spi.SharedSubscriptionPolicy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the YAML tree by hand rather than by data binding: that is what lets every error name
 * the exact key path ({@code listeners[0].type}) and say what was expected.
 */
final class ConfigParser {

    private static final YAMLMapper YAML = new YAMLMapper();
    static final Set<String> TOP = Set.of("broker", "listeners", "scripts", "providers", "auth", "admin", "plugins",
            "logging", PersistenceConfig.SECTION, ClusterConfig.SECTION);
    static final Set<String> BROKER = Set.of("allow_anonymous", "no_match", "connect_timeout", "max_packet_size",
            "max_offline_messages", "max_online_messages", "max_inflight", "max_pending", "max_connections", "max_connections_per_ip",
            "receive_maximum", "topic_alias_maximum", "persistent_session_expiry", "sys_interval", "node_name",
            "slow_consumer_policy", "slow_consumer_max_delay", "shared_subscription_policy", "max_msgs_per_drain_step",
            "max_drain_time", "max_keepalive",
            // Resource limits (ResourceLimits).
            "max_offline_bytes", "max_online_bytes", "max_total_queued_bytes", "max_subscriptions_per_client",
            "max_retained_messages", "max_retained_bytes", "partial_packet_timeout", "max_total_partial_bytes");
    static final Set<String> LISTENER = Set.of("type", "address", "path", "mountpoint", "allow_anonymous",
            "certfile", "keyfile", "tls_versions", "ciphers");
    static final Set<String> SCRIPTS = Set.of("dir", "files", "states", "hook_timeout", "timeout_fallback", "hooks", "lua", "js",
            "on_load_error");
    // Engine options, by the extension of the files the engine takes; checked by the engine at load.
    private static final Set<String> SCRIPT_ENGINES = Set.of("lua", "js");
    static final Set<String> ADMIN = Set.of("address", "token");
    static final Set<String> LOGGING = Set.of("format", "config", "level");

    private ConfigParser() {
    }

    static BrokerConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException("", "config file " + file + " does not exist");
        } catch (IOException e) {
            throw new ConfigException("", "cannot read config file " + file + ": " + e.getMessage());
        }
        return parse(text, file.toAbsolutePath().normalize().getParent());
    }

    /**
     * {@code plugins.dir} (default {@code plugins}) resolved against {@code base}, the config
     * file's folder, as every other path of a config file; as written when {@code base} is null.
     */
    private static Map<String, Object> resolvePluginsDir(Map<String, Object> plugins, Path base) {
        if (base == null) {
            return plugins;
        }
        Map<String, Object> out = new LinkedHashMap<>(plugins);
        Object dir = out.getOrDefault(BrokerConfig.PLUGINS_DIR, BrokerConfig.DEFAULT_PLUGINS_DIR);
        out.put(BrokerConfig.PLUGINS_DIR, resolve(base, (String) dir));
        return out;
    }

    static BrokerConfig parse(String yaml) {
        return parse(yaml, null);
    }

    /**
     * Parses {@code yaml}; relative paths resolve against {@code base} (the config file's folder),
     * or stay as written when it is null (text that is not a file: the working folder's).
     */
    static BrokerConfig parse(String yaml, Path base) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new ConfigException("", "not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
        }
        // A config file refuses anonymous clients unless it allows them (Mosquitto 2's rule).
        BrokerConfig d = BrokerConfig.defaults().withBroker(BrokerSettings.DEFAULT_WITH_FILE);
        if (root == null || root.isMissingNode() || root.isNull()) {
            return d.withScripts(scripts(null, base)).withPersistence(persistence(null, base))
                    .withPlugins(resolvePluginsDir(Map.of(), base));
        }
        object(root, "", TOP);
        BrokerSettings broker = broker(root.get("broker"), d.broker());
        List<ListenerConfig> listeners = root.hasNonNull("listeners") ? listeners(root.get("listeners"), base) : d.listeners();
        ScriptsConfig scripts = scripts(root.get("scripts"), base);
        Map<String, Object> providers = freeMap(root.get("providers"), "providers");
        Map<String, Object> auth = freeMap(root.get("auth"), "auth");
        checkAuth(auth);
        auth = resolveAuthScripts(auth, base);
        Map<String, Object> plugins = resolvePluginsDir(plugins(root.get("plugins")), base);
        Optional<String> adminHost = Optional.empty();
        int adminPort = 0;
        Optional<AdminToken> adminToken = Optional.empty();
        JsonNode admin = root.get("admin");
        if (admin != null && !admin.isNull()) {
            object(admin, "admin", ADMIN);
            if (admin.hasNonNull("address")) {
                String[] hp = address(admin.get("address"), "admin.address");
                adminHost = Optional.of(hp[0]);
                adminPort = Integer.parseInt(hp[1]);
            }
            if (admin.hasNonNull("token")) {
                adminToken = Optional.of(AdminToken.of(text(admin.get("token"), "admin.token")));
            }
        }
        // One name per node: cluster.node_name defaults to broker.node_name, and names $SYS when only it is set.
        ClusterSettings cluster = ClusterConfig.parse(root.get(ClusterConfig.SECTION),
                ClusterSettings.NODE_NAME.matcher(broker.nodeName()).matches() ? broker.nodeName()
                        : ClusterSettings.DEFAULT.nodeName());
        if (cluster.enabled() && !root.path("broker").hasNonNull("node_name")) {
            broker = broker.withSys(broker.sysInterval(), cluster.nodeName());
        }
        PersistenceSettings persistence = persistence(root.get(PersistenceConfig.SECTION), base);
        return new BrokerConfig(broker, listeners, scripts, providers, auth, plugins, adminHost, adminPort, adminToken,
                logging(root.get("logging"), base), persistence, cluster);
    }

    /** The {@code persistence} section, its {@code dir} against the config file's folder (as written without a file). */
    private static PersistenceSettings persistence(JsonNode n, Path base) {
        PersistenceSettings p = PersistenceConfig.parse(n);
        return base == null ? p : p.withDir(p.folder(base));
    }

    /** {@code value} against {@code base}, normalized; as written when {@code base} is null. */
    static String resolve(Path base, String value) {
        return base == null ? value : base.resolve(value).normalize().toString();
    }

    private static LoggingConfig logging(JsonNode n, Path base) {
        if (n == null || n.isNull()) {
            return LoggingConfig.DEFAULT;
        }
        object(n, "logging", LOGGING);
        LoggingConfig.Format format = LoggingConfig.Format.TEXT;
        if (n.hasNonNull("format")) {
            String v = text(n.get("format"), "logging.format");
            format = switch (v) {
                case "text" -> LoggingConfig.Format.TEXT;
                case "json" -> LoggingConfig.Format.JSON;
                default -> throw new ConfigException("logging.format", "unknown value \"" + v + "\" (expected text, json)");
            };
        }
        Optional<String> config = n.hasNonNull("config")
                ? Optional.of(resolve(base, text(n.get("config"), "logging.config"))) : Optional.empty();
        Map<String, String> levels = new LinkedHashMap<>();
        JsonNode l = n.get("level");
        if (l != null && !l.isNull()) {
            if (!l.isObject()) {
                throw new ConfigException("logging.level", "must be a map of logger name to level, was " + kind(l));
            }
            for (Map.Entry<String, JsonNode> e : l.properties()) {
                String at = "logging.level." + e.getKey();
                String level = text(e.getValue(), at).toLowerCase(java.util.Locale.ROOT);
                if (!LoggingConfig.LEVELS.contains(level)) {
                    throw new ConfigException(at, "unknown level \"" + e.getValue().textValue()
                            + "\" (expected trace, debug, info, warn, error, off)");
                }
                levels.put(e.getKey(), level);
            }
        }
        return new LoggingConfig(format, config, levels);
    }

    /** {@code auth.<database>.script} resolved against the config file's folder. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> resolveAuthScripts(Map<String, Object> auth, Path base) {
        Map<String, Object> out = new LinkedHashMap<>();
        auth.forEach((db, section) -> {
            Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) section);
            if (copy.get("script") instanceof String path) {
                copy.put("script", resolve(base, path));
            }
            out.put(db, java.util.Collections.unmodifiableMap(copy));
        });
        return out;
    }

    private static BrokerSettings broker(JsonNode n, BrokerSettings d) {
        if (n == null || n.isNull()) {
            return d;
        }
        object(n, "broker", BROKER);
        boolean anonymous = bool(n, "allow_anonymous", "broker", d.allowAnonymous());
        NoMatch noMatch = d.noMatch();
        if (n.hasNonNull("no_match")) {
            String v = text(n.get("no_match"), "broker.no_match");
            noMatch = switch (v) {
                case "allow" -> NoMatch.ALLOW;
                case "deny" -> NoMatch.DENY;
                default -> throw new ConfigException("broker.no_match", "unknown value \"" + v + "\" (expected allow, deny)");
            };
        }
        Duration connectTimeout = n.hasNonNull("connect_timeout")
                ? duration(n.get("connect_timeout"), "broker.connect_timeout") : d.connectTimeout();
        int maxPacket = integer(n, "max_packet_size", "broker", d.maxPacketSize(), 16, 268_435_455);
        int maxOffline = integer(n, "max_offline_messages", "broker", d.maxOfflineMessages(), 0, Integer.MAX_VALUE);
        int maxInflight = integer(n, "max_inflight", "broker", d.maxInflight(), 1, 65_535);
        int maxPending = integer(n, "max_pending", "broker", d.maxPending(), 1, 1_000_000);
        int maxOnline = integer(n, "max_online_messages", "broker", d.maxOnlineMessages(), 1, 10_000_000);
        int maxConnections = integer(n, "max_connections", "broker", d.maxConnections(), 0, Integer.MAX_VALUE);
        int maxPerIp = integer(n, "max_connections_per_ip", "broker", d.maxConnectionsPerIp(), 0, Integer.MAX_VALUE);
        int receiveMax = integer(n, "receive_maximum", "broker", d.receiveMaximum(), 1, 65_535);
        int aliasMax = integer(n, "topic_alias_maximum", "broker", d.topicAliasMaximum(), 0, 65_535);
        int maxKeepalive = integer(n, "max_keepalive", "broker", d.maxKeepalive(), 1, BrokerSettings.NO_KEEPALIVE_LIMIT);
        long sessionExpiry = d.persistentSessionExpiry();
        if (n.hasNonNull("persistent_session_expiry")) {
            JsonNode e = n.get("persistent_session_expiry");
            if (e.isTextual() && e.textValue().trim().equals("never")) {
                sessionExpiry = BrokerSettings.NEVER;
            } else {
                try {
                    sessionExpiry = Math.min(BrokerSettings.NEVER - 1,
                            Math.max(1, duration(e, "broker.persistent_session_expiry").toSeconds()));
                } catch (ConfigException x) {
                    throw new ConfigException("broker.persistent_session_expiry",
                            "must be \"never\" or a duration such as \"2h\", was " + describe(e));
                }
            }
        }
        Duration sysInterval = d.sysInterval();
        if (n.hasNonNull("sys_interval")) {
            JsonNode e = n.get("sys_interval");
            if (e.isTextual() && e.textValue().trim().equals("off")) {
                sysInterval = Duration.ZERO;
            } else {
                try {
                    sysInterval = duration(e, "broker.sys_interval");
                } catch (ConfigException x) {
                    throw new ConfigException("broker.sys_interval", "must be \"off\" or a duration such as \"10s\", was "
                            + describe(e));
                }
            }
        }
        String node = n.hasNonNull("node_name") ? text(n.get("node_name"), "broker.node_name") : d.nodeName();
        if (node.isEmpty() || node.contains("/") || node.contains("+") || node.contains("#")) {
            throw new ConfigException("broker.node_name", "must be one non-empty topic level without / + #, was \"" + node + "\"");
        }
        return new BrokerSettings(anonymous, noMatch, connectTimeout, maxPacket, maxOffline, maxInflight, maxPending,
                maxConnections, maxPerIp, receiveMax, aliasMax, sessionExpiry, sysInterval, node, maxOnline,
                delivery(n, d.delivery()), maxKeepalive, limits(n, d.limits()));
    }

    private static ResourceLimits limits(JsonNode n, ResourceLimits d) {
        Duration partialTimeout = n.hasNonNull("partial_packet_timeout")
                ? duration(n.get("partial_packet_timeout"), "broker.partial_packet_timeout") : d.partialPacketTimeout();
        return new ResourceLimits(bytes(n, "max_offline_bytes", d.maxOfflineBytes()),
                bytes(n, "max_online_bytes", d.maxOnlineBytes()), bytes(n, "max_total_queued_bytes", d.maxTotalQueuedBytes()),
                integer(n, "max_subscriptions_per_client", "broker", d.maxSubscriptionsPerClient(), 1, Integer.MAX_VALUE),
                integer(n, "max_retained_messages", "broker", d.maxRetainedMessages(), 0, Integer.MAX_VALUE),
                bytes(n, "max_retained_bytes", d.maxRetainedBytes()), partialTimeout,
                bytes(n, "max_total_partial_bytes", d.maxTotalPartialBytes()));
    }

    private static final Pattern BYTES = Pattern.compile("(\\d+)\\s*(B|KiB|MiB|GiB|%)");

    /** A size in bytes: a whole number, "512KiB", "16MiB", "1GiB", or "25%" of the JVM's maximum heap. */
    private static long bytes(JsonNode parent, String key, long dflt) {
        JsonNode n = parent.get(key);
        if (n == null || n.isNull()) {
            return dflt;
        }
        String at = "broker." + key;
        if (n.isIntegralNumber() && n.longValue() > 0) {
            return n.longValue();
        }
        Matcher m = n.isTextual() ? BYTES.matcher(n.textValue().trim()) : null;
        if (m == null || !m.matches() || m.group(1).length() > 12 || Long.parseLong(m.group(1)) == 0) {
            throw new ConfigException(at, "must be a positive size such as 1048576, \"512KiB\", \"16MiB\", \"1GiB\" or \"25%\""
                    + " (of the maximum heap), was " + describe(n));
        }
        long v = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "B" -> v;
            case "KiB" -> v << 10;
            case "MiB" -> v << 20;
            case "GiB" -> v << 30;
            default -> {
                if (v > 100) {
                    throw new ConfigException(at, "a share of the heap must be 1% to 100%, was " + describe(n));
                }
                yield ResourceLimits.ofHeap((int) v);
            }
        };
    }

    private static DeliverySettings delivery(JsonNode n, DeliverySettings d) {
        DeliverySettings.SlowConsumerPolicy slow = d.slowConsumerPolicy();
        if (n.hasNonNull("slow_consumer_policy")) {
            String v = text(n.get("slow_consumer_policy"), "broker.slow_consumer_policy");
            slow = switch (v) {
                case "drop" -> DeliverySettings.SlowConsumerPolicy.DROP;
                case "disconnect" -> DeliverySettings.SlowConsumerPolicy.DISCONNECT;
                default -> throw new ConfigException("broker.slow_consumer_policy",
                        "unknown value \"" + v + "\" (expected drop, disconnect)");
            };
        }
        SharedSubscriptionPolicy shared = d.sharedSubscriptionPolicy();
        if (n.hasNonNull("shared_subscription_policy")) {
            String v = text(n.get("shared_subscription_policy"), "broker.shared_subscription_policy");
            try {
                shared = SharedSubscriptionPolicy.ofScriptName(v);
            } catch (InvalidModifierException e) {
                throw new ConfigException("broker.shared_subscription_policy", "unknown value \"" + v
                        + "\" (expected prefer_local, local_only, random, prefer_online_before_local)");
            }
        }
        int step = integer(n, "max_msgs_per_drain_step", "broker", d.maxMsgsPerDrainStep(), 1, 1_000_000);
        return new DeliverySettings(slow, offOrDuration(n, "slow_consumer_max_delay", d.slowConsumerMaxDelay()),
                shared, step, offOrDuration(n, "max_drain_time", d.maxDrainTime()));
    }

    /** A duration key that also takes "off" (no limit, {@link Duration#ZERO}). */
    private static Duration offOrDuration(JsonNode parent, String key, Duration dflt) {
        JsonNode e = parent.get(key);
        if (e == null || e.isNull()) {
            return dflt;
        }
        if (e.isTextual() && e.textValue().trim().equals("off")) {
            return Duration.ZERO;
        }
        try {
            return duration(e, "broker." + key);
        } catch (ConfigException x) {
            throw new ConfigException("broker." + key, "must be \"off\" or a duration such as \"30s\", was " + describe(e));
        }
    }

    private static List<ListenerConfig> listeners(JsonNode n, Path base) {
        if (!n.isArray()) {
            throw new ConfigException("listeners", "must be a list, was " + kind(n));
        }
        if (n.isEmpty()) {
            throw new ConfigException("listeners", "is empty, so no client could connect: list at least one listener,"
                    + " or leave the key out for 127.0.0.1:1883 (tcp) and 127.0.0.1:8000 (ws)");
        }
        List<ListenerConfig> out = new ArrayList<>();
        for (int i = 0; i < n.size(); i++) {
            String at = "listeners[" + i + "]";
            JsonNode l = n.get(i);
            object(l, at, LISTENER);
            if (!l.hasNonNull("type")) {
                throw new ConfigException(at + ".type", "is required (tcp, ws, tls, wss)");
            }
            String typeName = text(l.get("type"), at + ".type");
            ListenerConfig.Kind type = ListenerConfig.Kind.of(typeName).orElseThrow(() -> new ConfigException(at + ".type",
                    "unknown listener type \"" + typeName + "\" (expected tcp, ws, tls, wss)"));
            if (!l.hasNonNull("address")) {
                throw new ConfigException(at + ".address", "is required (\"host:port\")");
            }
            String[] hp = address(l.get("address"), at + ".address");
            String path = "/mqtt";
            if (l.hasNonNull("path")) {
                if (!type.isWebSocket()) {
                    throw new ConfigException(at + ".path", "is only for ws and wss listeners");
                }
                path = text(l.get("path"), at + ".path");
                if (!path.startsWith("/")) {
                    throw new ConfigException(at + ".path", "must start with \"/\", was \"" + path + "\"");
                }
            }
            String mountpoint = l.hasNonNull("mountpoint") ? text(l.get("mountpoint"), at + ".mountpoint") : "";
            Optional<Boolean> anonymous = l.hasNonNull("allow_anonymous")
                    ? Optional.of(bool(l, "allow_anonymous", at, false)) : Optional.empty();
            Optional<String> cert = l.hasNonNull("certfile")
                    ? Optional.of(resolve(base, text(l.get("certfile"), at + ".certfile"))) : Optional.empty();
            Optional<String> key = l.hasNonNull("keyfile")
                    ? Optional.of(resolve(base, text(l.get("keyfile"), at + ".keyfile"))) : Optional.empty();
            if (type.isTls() && (cert.isEmpty() || key.isEmpty())) {
                throw new ConfigException(at + (cert.isEmpty() ? ".certfile" : ".keyfile"),
                        "is required for a " + type.configName() + " listener (PEM file)");
            }
            if (!type.isTls() && (cert.isPresent() || key.isPresent())) {
                throw new ConfigException(at + (cert.isPresent() ? ".certfile" : ".keyfile"), "is only for tls and wss listeners");
            }
            out.add(new ListenerConfig(type, hp[0], Integer.parseInt(hp[1]), path, mountpoint, anonymous, cert, key,
                    tls(l, at, type)));
        }
        return out;
    }

    /** {@code tls_versions} and {@code ciphers} of a tls/wss listener, checked against what this JVM supports. */
    private static TlsSettings tls(JsonNode l, String at, ListenerConfig.Kind type) {
        TlsSettings d = TlsSettings.DEFAULT;
        for (String key : List.of("tls_versions", "ciphers")) {
            if (l.hasNonNull(key) && !type.isTls()) {
                throw new ConfigException(at + "." + key, "is only for tls and wss listeners");
            }
        }
        List<String> versions = l.hasNonNull("tls_versions") ? names(l.get("tls_versions"), at + ".tls_versions") : d.versions();
        for (String v : versions) {
            if (!TlsSettings.KNOWN_VERSIONS.contains(v)) {
                throw new ConfigException(at + ".tls_versions", "unknown or unsafe version \"" + v + "\" (expected "
                        + String.join(", ", TlsSettings.KNOWN_VERSIONS) + ")");
            }
        }
        List<String> ciphers = l.hasNonNull("ciphers") ? names(l.get("ciphers"), at + ".ciphers") : d.ciphers();
        if (l.hasNonNull("ciphers")) {
            Set<String> supported = supportedCipherSuites();
            for (String c : ciphers) {
                if (!supported.contains(c)) {
                    throw new ConfigException(at + ".ciphers", "cipher suite \"" + c + "\" is not supported by this JVM");
                }
            }
        }
        return new TlsSettings(versions, ciphers);
    }

    private static Set<String> supportedCipherSuites() {
        try {
            return Set.of(javax.net.ssl.SSLContext.getDefault().getSupportedSSLParameters().getCipherSuites());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no TLS", e);
        }
    }

    /** A non-empty list of names. */
    private static List<String> names(JsonNode n, String at) {
        if (!n.isArray() || n.isEmpty()) {
            throw new ConfigException(at, "must be a non-empty list, was " + describe(n));
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n.size(); i++) {
            out.add(text(n.get(i), at + "[" + i + "]"));
        }
        return out;
    }

    private static ScriptsConfig scripts(JsonNode n, Path base) {
        ScriptsConfig d = ScriptsConfig.DEFAULT;
        if (n == null || n.isNull()) {
            return new ScriptsConfig(resolve(base, d.dir()), d.files(), d.states(), d.hookTimeout());
        }
        object(n, "scripts", SCRIPTS);
        String dir = resolve(base, n.hasNonNull("dir") ? text(n.get("dir"), "scripts.dir") : d.dir());
        List<String> files = new ArrayList<>();
        if (n.hasNonNull("files")) {
            JsonNode f = n.get("files");
            if (!f.isArray()) {
                throw new ConfigException("scripts.files", "must be a list of file names, was " + kind(f));
            }
            for (int i = 0; i < f.size(); i++) {
                files.add(resolve(base, text(f.get(i), "scripts.files[" + i + "]")));
            }
        }
        int states = integer(n, "states", "scripts", d.states(), 1, 1024);
        Duration timeout = n.hasNonNull("hook_timeout") ? duration(n.get("hook_timeout"), "scripts.hook_timeout") : d.hookTimeout();
        Map<String, Map<String, Object>> engines = new LinkedHashMap<>();
        for (String ext : SCRIPT_ENGINES) {
            JsonNode options = n.get(ext);
            if (options != null && !options.isNull()) {
                if (!options.isObject()) {
                    throw new ConfigException("scripts." + ext, "must be a map of engine options, was " + kind(options));
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> plainOptions = (Map<String, Object>) plain(options);
                engines.put(ext, plainOptions);
            }
        }
        TimeoutFallback fallback = n.hasNonNull("timeout_fallback")
                ? fallback(n.get("timeout_fallback"), "scripts.timeout_fallback") : TimeoutFallback.DENY;
        Map<String, ScriptsConfig.HookPolicy> hooks = new LinkedHashMap<>();
        JsonNode h = n.get("hooks");
        if (h != null && !h.isNull()) {
            if (!h.isObject()) {
                throw new ConfigException("scripts.hooks", "must be a map of hook names, was " + kind(h));
            }
            for (Map.Entry<String, JsonNode> e : h.properties()) {
                String at = "scripts.hooks." + e.getKey();
                if (Hooks.byName(e.getKey()).isEmpty()) {
                    throw new ConfigException(at, "unknown hook point");
                }
                object(e.getValue(), at, Set.of("timeout", "fallback"));
                JsonNode t = e.getValue().get("timeout");
                JsonNode f = e.getValue().get("fallback");
                hooks.put(e.getKey(), new ScriptsConfig.HookPolicy(
                        t == null || t.isNull() ? null : duration(t, at + ".timeout"),
                        f == null || f.isNull() ? null : fallback(f, at + ".fallback")));
            }
        }
        OnLoadError onLoadError = OnLoadError.FAIL;
        if (n.hasNonNull("on_load_error")) {
            String v = text(n.get("on_load_error"), "scripts.on_load_error");
            onLoadError = OnLoadError.of(v).orElseThrow(() -> new ConfigException("scripts.on_load_error",
                    "unknown value \"" + v + "\" (expected fail, warn)"));
        }
        return new ScriptsConfig(dir, files, states, timeout, engines, fallback, hooks, onLoadError);
    }

    private static TimeoutFallback fallback(JsonNode n, String at) {
        return switch (n.isTextual() ? n.asText() : "") {
            case "deny" -> TimeoutFallback.DENY;
            case "next" -> TimeoutFallback.NEXT;
            default -> throw new ConfigException(at, "must be deny or next, was " + n.asText());
        };
    }

    static final List<String> AUTH_DATABASES = List.of("postgres", "cockroachdb", "mysql", "mysql2", "mongodb", "redis");
    static final Set<String> AUTH_KEYS = Set.of("enabled", "unknown_user", "password_hash_method", "script");
    private static final Map<String, Set<String>> HASH_METHODS = Map.of(
            "postgres", Set.of("crypt", "bcrypt"), "cockroachdb", Set.of("sha256", "bcrypt"),
            "mysql", Set.of("password", "md5", "sha1", "sha256"), "mysql2", Set.of("password", "md5", "sha1", "sha256"),
            "mongodb", Set.of("bcrypt"), "redis", Set.of("bcrypt"));

    /** The bundled authentication switches: {@code auth.<database>.{enabled, unknown_user, ...}}. */
    private static void checkAuth(Map<String, Object> auth) {
        for (Map.Entry<String, Object> db : auth.entrySet()) {
            String at = "auth." + db.getKey();
            if (!AUTH_DATABASES.contains(db.getKey())) {
                throw new ConfigException(at, "unknown database (expected one of " + String.join(", ", AUTH_DATABASES) + ")");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> section = (Map<String, Object>) db.getValue();
            for (Map.Entry<String, Object> e : section.entrySet()) {
                String key = at + "." + e.getKey();
                Object v = e.getValue();
                switch (e.getKey()) {
                    case "enabled" -> {
                        if (!(v instanceof Boolean)) {
                            throw new ConfigException(key, "must be true or false, was " + v);
                        }
                    }
                    case "unknown_user" -> {
                        if (!"next".equals(v) && !"deny".equals(v)) {
                            throw new ConfigException(key, "must be next or deny, was " + v);
                        }
                    }
                    case "password_hash_method" -> {
                        if (!HASH_METHODS.get(db.getKey()).contains(v)) {
                            throw new ConfigException(key, "must be one of " + new java.util.TreeSet<>(HASH_METHODS.get(db.getKey()))
                                    + ", was " + v);
                        }
                    }
                    case "script" -> {
                        if (!(v instanceof String path) || path.isBlank()) {
                            throw new ConfigException(key, "must be the path of a script, was " + v);
                        }
                    }
                    default -> throw new ConfigException(key, "unknown key (expected " + new java.util.TreeSet<>(AUTH_KEYS) + ")");
                }
            }
        }
    }

    /** The {@code plugins} section: {@code dir} (a path), and each plugin's settings by its name. */
    private static Map<String, Object> plugins(JsonNode n) {
        if (n == null || n.isNull() || !n.isObject() || !n.has(BrokerConfig.PLUGINS_DIR)) {
            return freeMap(n, "plugins");
        }
        com.fasterxml.jackson.databind.node.ObjectNode sections = ((com.fasterxml.jackson.databind.node.ObjectNode) n).deepCopy();
        JsonNode dir = sections.remove(BrokerConfig.PLUGINS_DIR);
        Map<String, Object> out = new LinkedHashMap<>(freeMap(sections, "plugins"));
        out.put(BrokerConfig.PLUGINS_DIR, text(dir, "plugins." + BrokerConfig.PLUGINS_DIR));
        return out;
    }
}
