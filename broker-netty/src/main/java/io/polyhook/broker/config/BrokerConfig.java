package io.polyhook.broker.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The broker's configuration: the YAML file of DESIGN.md, validated. Build one with
 * {@link #load(Path)}, {@link #parse(String)} or {@link #defaults()}; every section the file
 * leaves out takes its default.
 *
 * @param broker    the {@code broker} section
 * @param listeners the {@code listeners} list
 * @param scripts   the {@code scripts} section
 * @param providers the {@code providers} section: defaults for {@code ensure_pool}, per provider, as plain values
 * @param auth      the {@code auth} section, as plain values
 * @param plugins   the {@code plugins} section: {@code dir} (the plugins folder) and each Java plugin's
 *                  settings by plugin name
 * @param adminHost the {@code admin.address} host, if an admin API is configured
 * @param adminPort the {@code admin.address} port (meaningful only with a host)
 * @param adminToken the {@code admin.token} every admin API request must carry, if set
 * @param logging   the {@code logging} section, applied by {@code polyhook run}
 * @param cluster   the {@code cluster} section ({@link ClusterConfig}); disabled: a single node
 * @param persistence the {@code persistence} section; a relative {@code dir} of a loaded file is
 *                    already resolved against the file's folder
 */
public record BrokerConfig(BrokerSettings broker, List<ListenerConfig> listeners, ScriptsConfig scripts,
                           Map<String, Object> providers, Map<String, Object> auth, Map<String, Object> plugins,
                           Optional<String> adminHost, int adminPort, Optional<AdminToken> adminToken,
                           LoggingConfig logging, PersistenceSettings persistence, ClusterSettings cluster) {

    /** The key of the plugins folder in the {@code plugins} section; no plugin can be named so. */
    public static final String PLUGINS_DIR = "dir";

    /** The plugins folder when {@code plugins.dir} is not set: {@code plugins}, next to the config file. */
    public static final String DEFAULT_PLUGINS_DIR = "plugins";

    /** Checks every field is present; copies the collections. */
    public BrokerConfig {
        Objects.requireNonNull(broker, "broker");
        listeners = List.copyOf(listeners);
        Objects.requireNonNull(scripts, "scripts");
        providers = Map.copyOf(providers);
        auth = Map.copyOf(auth);
        plugins = Map.copyOf(plugins);
        Objects.requireNonNull(adminHost, "adminHost");
        Objects.requireNonNull(adminToken, "adminToken");
        Objects.requireNonNull(logging, "logging");
        Objects.requireNonNull(persistence, "persistence");
        Objects.requireNonNull(cluster, "cluster");
    }

    /** A configuration with the default {@code logging}, {@code persistence} and {@code cluster} sections. */
    public BrokerConfig(BrokerSettings broker, List<ListenerConfig> listeners, ScriptsConfig scripts,
                        Map<String, Object> providers, Map<String, Object> auth, Map<String, Object> plugins,
                        Optional<String> adminHost, int adminPort, Optional<AdminToken> adminToken) {
        this(broker, listeners, scripts, providers, auth, plugins, adminHost, adminPort, adminToken, LoggingConfig.DEFAULT,
                PersistenceSettings.DEFAULT, ClusterSettings.DEFAULT);
    }

    /**
     * The listeners used when the config has none: MQTT on 1883 and WebSocket on 8000
     * ({@code /mqtt}), on the loopback interface only (127.0.0.1), as Mosquitto 2 does: a broker
     * nobody configured is not reachable from the network.
     */
    public static List<ListenerConfig> defaultListeners() {
        return List.of(ListenerConfig.of(ListenerConfig.Kind.TCP, "127.0.0.1", 1883),
                ListenerConfig.of(ListenerConfig.Kind.WS, "127.0.0.1", 8000));
    }

    /**
     * The configuration with no file: loopback listeners, anonymous clients allowed, scripts from
     * {@code scripts/}. A config file starts from these with {@code broker.allow_anonymous: false}
     * ({@link BrokerSettings#DEFAULT_WITH_FILE}).
     */
    public static BrokerConfig defaults() {
        return new BrokerConfig(BrokerSettings.DEFAULT, defaultListeners(), ScriptsConfig.DEFAULT, Map.of(), Map.of(),
                Map.of(), Optional.empty(), 0, Optional.empty());
    }

    /**
     * Reads and validates a YAML file; throws {@link ConfigException} naming the key and the reason.
     * Relative paths in it ({@code scripts.dir}, {@code scripts.files}, certificates,
     * {@code auth.<database>.script}, {@code logging.config}) and the default {@code scripts}
     * folder resolve against the file's folder, not the working folder.
     */
    public static BrokerConfig load(Path file) {
        return ConfigParser.load(file);
    }

    /** Parses and validates YAML text; throws {@link ConfigException} naming the key and the reason. */
    public static BrokerConfig parse(String yaml) {
        return ConfigParser.parse(yaml);
    }

    /** This config with other listeners. */
    public BrokerConfig withListeners(List<ListenerConfig> value) {
        return new BrokerConfig(broker, value, scripts, providers, auth, plugins, adminHost, adminPort, adminToken, logging,
                persistence, cluster);
    }

    /** This config with another {@code broker} section. */
    public BrokerConfig withBroker(BrokerSettings value) {
        return new BrokerConfig(value, listeners, scripts, providers, auth, plugins, adminHost, adminPort, adminToken, logging,
                persistence, cluster);
    }

    /** This config with another {@code scripts} section. */
    public BrokerConfig withScripts(ScriptsConfig value) {
        return new BrokerConfig(broker, listeners, value, providers, auth, plugins, adminHost, adminPort, adminToken, logging,
                persistence, cluster);
    }

    /** This config with an admin API token ({@code admin.token}). */
    public BrokerConfig withAdminToken(AdminToken value) {
        return new BrokerConfig(broker, listeners, scripts, providers, auth, plugins, adminHost, adminPort,
                Optional.of(value), logging, persistence, cluster);
    }

    /** This config with another {@code logging} section. */
    public BrokerConfig withLogging(LoggingConfig value) {
        return new BrokerConfig(broker, listeners, scripts, providers, auth, plugins, adminHost, adminPort, adminToken, value,
                persistence, cluster);
    }

    /** This config with another {@code persistence} section. */
    public BrokerConfig withPersistence(PersistenceSettings value) {
        return new BrokerConfig(broker, listeners, scripts, providers, auth, plugins, adminHost, adminPort, adminToken,
                logging, value, cluster);
    }

    /** This config with another {@code cluster} section. */
    public BrokerConfig withCluster(ClusterSettings value) {
        return new BrokerConfig(broker, listeners, scripts, providers, auth, plugins, adminHost, adminPort, adminToken,
                logging, persistence, value);
    }

    /** This config with another {@code plugins} section. */
    public BrokerConfig withPlugins(Map<String, Object> value) {
        return new BrokerConfig(broker, listeners, scripts, providers, auth, value, adminHost, adminPort, adminToken,
                logging, persistence, cluster);
    }

    /**
     * The plugins folder ({@code plugins.dir}): resolved against the config file's folder when
     * the config came from a file, {@code plugins} in the working folder otherwise.
     */
    public Path pluginsDir() {
        return Path.of((String) plugins.getOrDefault(PLUGINS_DIR, DEFAULT_PLUGINS_DIR));
    }

    /** The names of the plugins the {@code plugins} section has settings for ({@code plugins.<name>}). */
    public java.util.Set<String> pluginSections() {
        java.util.Set<String> names = new java.util.TreeSet<>(plugins.keySet());
        names.remove(PLUGINS_DIR);
        return names;
    }

    /** The settings of the Java plugin {@code name} ({@code plugins.<name>}), empty if none. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> pluginSettings(String name) {
        Object section = plugins.get(name);
        return section instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }
}
