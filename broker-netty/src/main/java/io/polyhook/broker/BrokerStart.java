package io.polyhook.broker;

import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Stage;
import io.polyhook.broker.cluster.Cluster;
import io.polyhook.broker.cluster.ClusterFactory;
import io.polyhook.broker.clusterbridge.ClusterBridge;
import io.polyhook.broker.config.BrokerConfig;
import io.polyhook.broker.config.ConfigModule;
import io.polyhook.broker.config.OnLoadError;
import io.polyhook.broker.failure.FatalErrorHandler;
import io.polyhook.broker.hooks.BundledAuthScripts;
import io.polyhook.broker.hooks.HookModule;
import io.polyhook.broker.hooks.ScriptModule;
import io.polyhook.broker.metrics.BrokerMetrics;
import io.polyhook.broker.plugins.BrokerPlugins;
import io.polyhook.broker.plugins.MicrometerPluginMeters;
import io.polyhook.broker.plugins.PluginAuthCache;
import io.polyhook.broker.plugins.SessionActions;
import io.polyhook.broker.routing.RetainedStore;
import io.polyhook.broker.routing.Router;
import io.polyhook.broker.routing.RoutingModule;
import io.polyhook.broker.session.DurableRecovery;
import io.polyhook.broker.session.SessionModule;
import io.polyhook.broker.session.SessionRegistry;
import io.polyhook.broker.store.BrokerStore;
import io.polyhook.broker.transport.Transport;
import io.polyhook.broker.transport.TransportModule;
import io.polyhook.core.hook.internal.HookDispatcher;
import io.polyhook.core.hook.internal.HookRegistry;
import io.polyhook.core.plugin.internal.PluginDirectory;
import io.polyhook.core.plugin.internal.PluginEnvironment;
import io.polyhook.core.plugin.internal.PluginHost;
import io.polyhook.core.provider.ProviderCatalog;
import io.polyhook.core.script.ScriptEngine;
import io.polyhook.core.script.internal.LoadReport;
import io.polyhook.core.script.internal.ScriptManager;
import io.polyhook.provider.authcache.AuthCache;
import io.polyhook.provider.authcache.AuthCachePlugin;
import io.polyhook.spi.Plugin;
import io.polyhook.spi.Registration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The start sequence of a {@link PolyhookBroker}: the cluster join begins first, on its own thread
 * ({@link ClusterJoin}); meanwhile the durable store opens, the injector is built and the Java
 * plugins start; then, with the cluster joined, the scripts load, the cluster bridge connects,
 * the stored sessions are recovered, and only then do the listeners bind, so that no client ever
 * reaches a node that listens but is not yet a member. A step that fails stops the start with its
 * own exception (a join that fails: the join's one line) after closing, newest first, everything
 * opened before it, the join included.
 */
final class BrokerStart {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerStart.class);

    /** What the builder was given. */
    record Inputs(BrokerConfig config, List<Plugin> plugins, List<ScriptEngine> engines, boolean discover,
                  ClassLoader loader, FatalErrorHandler fatal, BrokerStore store, ClusterFactory clusterFactory) {
    }

    private final Inputs in;
    private final BrokerConfig config;
    /** What to close if a later step fails, the newest first. */
    private final Deque<Runnable> opened = new ArrayDeque<>();

    BrokerStart(Inputs in) {
        this.in = in;
        this.config = in.config();
    }

    /** Runs the start; the broker it answers listens, with everything started. */
    PolyhookBroker run() {
        // Joined beside the rest; a node that cannot join still does not start (await below).
        ClusterJoin join = ClusterJoin.begin(config.cluster(), in.clusterFactory());
        opened.push(join::close);
        try {
            // A store held by another broker or unreadable stops the start before anything binds.
            OpenedStore store = OpenedStore.open(config.persistence(), in.store());
            opened.push(store::close);
            PluginDirectory directory = PluginDirectory.open(config.pluginsDir(), PolyhookBroker.class.getClassLoader());
            opened.push(directory::close);
            Injector injector = injector(directory, store, join);
            opened.push(() -> shutdown(injector));
            BrokerPlugins host = startPlugins(injector, directory);
            opened.push(host::close);
            // Java plugins first, then scripts: the registry orders plugin handlers before script handlers anyway.
            Registration authCacheHooks = new AuthCachePlugin(injector.getInstance(AuthCache.class))
                    .install(injector.getInstance(HookRegistry.class));
            opened.push(authCacheHooks::close);
            // Scripts load once the node is a member, as they did when the join came first: a script's
            // top-level code may use a cluster-wide kv table, and waiting for the join inside it would
            // count against its load_timeout (a cold join on a busy machine takes longer than that).
            Cluster cluster = join.await();
            loadScripts(injector);
            ClusterBridge bridge = ClusterBridge.connect(cluster, injector.getInstance(Router.class),
                    injector.getInstance(SessionRegistry.class), injector.getInstance(AuthCache.class),
                    injector.getInstance(ScriptManager.class));
            join.handOver();
            opened.push(bridge::close);
            DurableRecovery.run(injector.getInstance(SessionRegistry.class), injector.getInstance(RetainedStore.class));
            List<BoundListener> bound = injector.getInstance(Transport.class).bind(config.listeners());
            return new PolyhookBroker(injector, host, directory, bound, authCacheHooks, store, bridge);
        } catch (RuntimeException | Error e) {
            closeOpened(e);
            throw e;
        }
    }

    /**
     * The broker's injector. {@code Cluster} is bound to the joined cluster itself, through the
     * join: nothing asks for it before the join has ended (the kv library's cluster-wide tables
     * resolve it at their first use, see {@link ScriptModule}), and once joined every user gets
     * that one instance.
     */
    private Injector injector(PluginDirectory directory, OpenedStore store, ClusterJoin join) {
        FatalErrorHandler fatal = in.fatal();
        try {
            return Guice.createInjector(Stage.PRODUCTION, new ConfigModule(config), new HookModule(),
                    new ScriptModule(in.loader(), in.engines(), directory.loaders()), new RoutingModule(),
                    new SessionModule(), new TransportModule(),
                    binder -> binder.bind(FatalErrorHandler.class).toInstance(fatal), store.module(),
                    binder -> binder.bind(Cluster.class).toProvider((com.google.inject.Provider<Cluster>) join::await));
        } catch (CreationException e) {
            // A bad provider setting fails inside a Guice provider: say what it was, not Guice's 150 lines.
            throw StartFailures.unwrap(e);
        }
    }

    private BrokerPlugins startPlugins(Injector injector, PluginDirectory directory) {
        PluginEnvironment environment = new PluginEnvironment(
                new SessionActions(injector.getInstance(SessionRegistry.class)),
                new PluginAuthCache(injector.getInstance(AuthCache.class)),
                new MicrometerPluginMeters(injector.getInstance(BrokerMetrics.class).registry()));
        return BrokerPlugins.start(config, directory, in.discover() ? PluginHost.discover(in.loader()) : List.of(),
                in.plugins(), injector.getInstance(HookRegistry.class), environment);
    }

    private void loadScripts(Injector injector) {
        ScriptManager scripts = injector.getInstance(ScriptManager.class);
        if (scripts.engines().all().isEmpty()) {
            LOG.info("no script engine on the class path; scripts in {} are not loaded", config.scripts().dir());
            return;
        }
        LoadReport report = scripts.loadAll(Path.of(config.scripts().dir()), BundledAuthScripts.enabled(config),
                config.scripts().files().stream().map(Path::of).toList());
        report.warnings().forEach(w -> LOG.warn("scripts: {}", w));
        if (!report.allLoaded() && config.scripts().onLoadError() == OnLoadError.FAIL) {
            throw new ScriptsNotLoadedException(report.failed());
        }
    }

    /** Closes what the start opened, newest first; a close that fails is added to {@code failure}. */
    private void closeOpened(Throwable failure) {
        while (!opened.isEmpty()) {
            try {
                opened.pop().run();
            } catch (RuntimeException e) {
                failure.addSuppressed(e);
            }
        }
    }

    /** What the injector started, for a start that failed (the cluster is the join's or the bridge's). */
    private static void shutdown(Injector injector) {
        injector.getInstance(ScriptManager.class).close();
        injector.getInstance(ProviderCatalog.class).close();
        injector.getInstance(HookDispatcher.class).close();
        injector.getInstance(SessionRegistry.class).close();
        injector.getInstance(Transport.class).close();
        injector.getInstance(OpenedStore.class).close();
    }
}
