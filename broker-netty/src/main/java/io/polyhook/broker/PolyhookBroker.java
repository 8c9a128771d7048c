package io.polyhook.broker;

import com.google.inject.Injector;
import io.polyhook.broker.admin.AdminServer;
import io.polyhook.broker.cluster.Cluster;
import io.polyhook.broker.cluster.ClusterFactory;
import io.polyhook.broker.clusterbridge.ClusterBridge;
import io.polyhook.broker.config.BrokerConfig;
import io.polyhook.broker.failure.FatalErrorHandler;
import io.polyhook.broker.metrics.BrokerMetrics;
import io.polyhook.broker.routing.RetainedStore;
import io.polyhook.broker.routing.SubscriptionTree;
import io.polyhook.broker.session.SessionRegistry;
import io.polyhook.broker.transport.Transport;
import io.polyhook.broker.plugins.BrokerPlugins;
import io.polyhook.core.hook.internal.HookDispatcher;
import io.polyhook.core.hook.internal.HookRegistry;
import io.polyhook.core.plugin.PluginInfo;
import io.polyhook.core.plugin.internal.PluginDirectory;
import io.polyhook.core.provider.ProviderCatalog;
import io.polyhook.core.script.ScriptEngine;
import io.polyhook.core.script.internal.ScriptManager;
import io.polyhook.spi.Plugin;
import io.polyhook.spi.Registration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A running Polyhook broker, for embedding and tests:
 *
 * <pre>{@code
 * try (PolyhookBroker broker = PolyhookBroker.builder().config(cfg).plugin(new MyPlugin()).start()) {
 *     int port = broker.boundPort("tcp");
 * }
 * }</pre>
 *
 * {@link #close()} is graceful: the listeners stop accepting, MQTT 5 clients get DISCONNECT
 * 0x8B (server shutting down), the others are closed, and the usual hooks fire.
 */
public final class PolyhookBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PolyhookBroker.class);

    private final Injector injector;
    private final BrokerPlugins plugins;
    private final PluginDirectory pluginDirectory;
    private final List<BoundListener> listeners;
    private final Registration authCacheHooks;
    private final OpenedStore store;
    private final ClusterBridge cluster;
    private AdminServer admin; // null without admin.address
    private boolean closed;

    PolyhookBroker(Injector injector, BrokerPlugins plugins, PluginDirectory pluginDirectory,
                   List<BoundListener> listeners, Registration authCacheHooks, OpenedStore store, ClusterBridge cluster) {
        this.store = store;
        this.cluster = cluster;
        this.injector = injector;
        this.plugins = plugins;
        this.pluginDirectory = pluginDirectory;
        this.listeners = List.copyOf(listeners);
        this.authCacheHooks = authCacheHooks;
    }

    /** Starts building a broker; with nothing set it uses {@link BrokerConfig#defaults()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** The listeners, in config order, with their bound ports. */
    public List<BoundListener> listeners() {
        return listeners;
    }

    /** The bound port of the first listener of {@code type} (tcp, ws, tls, wss). */
    public int boundPort(String type) {
        return listeners.stream().filter(l -> l.type().equals(type)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no " + type + " listener"))
                .port();
    }

    /** The bound port of the HTTP admin API ({@code admin.address}). */
    public int adminPort() {
        if (admin == null) {
            throw new IllegalStateException("no admin API: admin.address is not configured");
        }
        return admin.port();
    }

    /** The script manager: load, reload and unload scripts while the broker runs. */
    public ScriptManager scripts() {
        return injector.getInstance(ScriptManager.class);
    }

    /** The hook registry: where handlers can be added while the broker runs. */
    public HookRegistry hooks() {
        return injector.getInstance(HookRegistry.class);
    }

    /** The Java plugins, with their version, source, state and hook points. */
    public List<PluginInfo> plugins() {
        return plugins.describe();
    }

    /** The number of sessions (online and offline). */
    public int sessionCount() {
        return injector.getInstance(SessionRegistry.class).size();
    }

    /** The number of subscriptions in {@code mountpoint} ({@code ""} for the default one). */
    public int subscriptionCount(String mountpoint) {
        return injector.getInstance(SubscriptionTree.class).size(mountpoint);
    }

    /** The number of retained messages in {@code mountpoint}. */
    public int retainedCount(String mountpoint) {
        return injector.getInstance(RetainedStore.class).size(mountpoint);
    }

    /** The cluster this broker is a node of ({@code cluster.enabled: false}: a single node). */
    public Cluster cluster() {
        return cluster.cluster();
    }

    /** The bytes that every session's queue holds now, against {@code broker.max_total_queued_bytes}. */
    public long queuedBytes() {
        return injector.getInstance(SessionRegistry.class).queuedBytes().used();
    }

    /** Stops the broker gracefully; closing twice does nothing. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (admin != null) {
            admin.close();
            injector.getInstance(BrokerMetrics.class).close(); // unbinds the JVM's GC listeners
        }
        Transport transport = injector.getInstance(Transport.class);
        SessionRegistry sessions = injector.getInstance(SessionRegistry.class);
        transport.closeServers();
        sessions.disconnectAll();
        transport.awaitConnectionsClosed(3_000);
        // A clean leave: the persistent sessions go to the other nodes before this one leaves.
        cluster.leave(10_000);
        injector.getInstance(ScriptManager.class).close();
        authCacheHooks.close();
        plugins.close();
        injector.getInstance(ProviderCatalog.class).close();
        injector.getInstance(HookDispatcher.class).close();
        injector.getInstance(io.polyhook.broker.hooks.AuthCacheWatch.class).close();
        sessions.close();
        transport.close();
        store.close();
        pluginDirectory.close();
        LOG.info("broker stopped");
    }

    /** Builds and starts a {@link PolyhookBroker}. Not thread-safe. */
    public static final class Builder {
        private BrokerConfig config = BrokerConfig.defaults();
        private final List<Plugin> plugins = new ArrayList<>();
        private final List<ScriptEngine> engines = new ArrayList<>();
        private boolean discover = true;
        private ClassLoader loader = PolyhookBroker.class.getClassLoader();
        private String adminHost;
        private int adminPort;
        private FatalErrorHandler fatalErrors = FatalErrorHandler.haltProcess();
        private io.polyhook.broker.store.BrokerStore store;
        private ClusterFactory clusterFactory;

        private Builder() {
        }

        /**
         * Runs on {@code value} as its durable store instead of the one {@code persistence} names
         * (tests, embedders). The broker does not close it: it may outlive the broker, as a
         * store on disk outlives a process.
         */
        public Builder store(io.polyhook.broker.store.BrokerStore value) {
            store = Objects.requireNonNull(value, "store");
            return this;
        }

        /** Uses {@code value} as configuration. */
        public Builder config(BrokerConfig value) {
            config = Objects.requireNonNull(value, "config");
            return this;
        }

        /** Reads the configuration from a YAML file (validated; see {@link BrokerConfig#load}). */
        public Builder config(Path file) {
            return config(BrokerConfig.load(file));
        }

        /** Adds a Java plugin, started after the discovered ones. */
        public Builder plugin(Plugin plugin) {
            plugins.add(Objects.requireNonNull(plugin, "plugin"));
            return this;
        }

        /** Adds a script engine next to those {@link java.util.ServiceLoader} finds. */
        public Builder scriptEngine(ScriptEngine engine) {
            engines.add(Objects.requireNonNull(engine, "engine"));
            return this;
        }

        /** Whether to add the plugins {@link java.util.ServiceLoader} finds (default true). */
        public Builder discoverPlugins(boolean value) {
            discover = value;
            return this;
        }

        /** The class loader plugins are discovered through. */
        public Builder classLoader(ClassLoader value) {
            loader = Objects.requireNonNull(value, "classLoader");
            return this;
        }

        /**
         * Serves the admin API on {@code host:port} ({@code port} 0: any free port) when the
         * config has no {@code admin.address}; without either there is no admin API.
         */
        public Builder adminAddress(String host, int port) {
            adminHost = Objects.requireNonNull(host, "host");
            adminPort = port;
            return this;
        }

        /**
         * What happens when a broker thread that cannot be replaced stops (an event loop, the
         * admin API's dispatcher): by default the process ends with one line on standard error
         * ({@link FatalErrorHandler#haltProcess()}), rather than staying up half-dead.
         */
        public Builder onFatalError(FatalErrorHandler handler) {
            fatalErrors = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /**
         * Starts the cluster node of {@code cluster.enabled: true} with {@code factory} instead of
         * the engine found on the class path (tests pass their own tuning).
         */
        public Builder clusterFactory(ClusterFactory factory) {
            clusterFactory = Objects.requireNonNull(factory, "factory");
            return this;
        }

        /**
         * Starts the plugins, then binds the listeners. A plugin that fails to start or a
         * listener that cannot bind stops the start with an exception; nothing is left running.
         * The sequence, and why in that order: {@code BrokerStart}.
         */
        public PolyhookBroker start() {
            PolyhookBroker broker = new BrokerStart(new BrokerStart.Inputs(config, List.copyOf(plugins),
                    List.copyOf(engines), discover, loader, fatalErrors, store, clusterFactory)).run();
            String adminAt = config.adminHost().orElse(adminHost);
            if (adminAt != null) {
                try {
                    broker.admin = AdminServer.start(adminAt, config.adminHost().isPresent() ? config.adminPort() : adminPort,
                            broker.injector, broker.plugins::describe);
                } catch (RuntimeException e) {
                    broker.close();
                    throw e;
                }
            }
            return broker;
        }
    }
}
