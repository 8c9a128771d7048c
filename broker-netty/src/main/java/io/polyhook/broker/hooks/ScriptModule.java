package io.polyhook.broker.hooks;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import io.polyhook.broker.config.BrokerConfig;
import io.polyhook.broker.plugins.SessionActions;
import io.polyhook.core.hook.internal.HookRegistry;
import io.polyhook.core.provider.ProviderCatalog;
import io.polyhook.core.script.ScriptEngine;
import io.polyhook.core.script.internal.ScriptEngines;
import io.polyhook.core.script.internal.ScriptManager;
import io.polyhook.provider.authcache.AuthCache;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

/**
 * Binds the script side: the engines and data providers found on the class path
 * ({@link java.util.ServiceLoader}), the script manager that loads {@code scripts.dir} and
 * {@code scripts.files} into the hook registry, and the one {@link AuthCache} that both the
 * {@code auth_cache} library (scripts insert) and the broker (answers from it) use.
 */
public final class ScriptModule extends AbstractModule {

    private static final Logger LOG = LoggerFactory.getLogger(ScriptModule.class);

    private final ClassLoader loader;
    private final List<ScriptEngine> extraEngines;
    private final List<ClassLoader> pluginLoaders;

    /** Discovers engines and providers through {@code loader}, and adds {@code extraEngines}. */
    public ScriptModule(ClassLoader loader, List<ScriptEngine> extraEngines) {
        this(loader, extraEngines, List.of());
    }

    /**
     * Discovers engines and providers through {@code loader}, providers also through
     * {@code pluginLoaders} (the plugins folder's), and adds {@code extraEngines}.
     */
    public ScriptModule(ClassLoader loader, List<ScriptEngine> extraEngines, List<ClassLoader> pluginLoaders) {
        this.loader = loader;
        this.extraEngines = List.copyOf(extraEngines);
        this.pluginLoaders = List.copyOf(pluginLoaders);
    }

    @Override
    protected void configure() {
        // The broker re-authorizes subscriptions when the cache changes, from the start.
        bind(AuthCacheWatch.class).asEagerSingleton();
    }

    @Provides
    @Singleton
    AuthCache authCache() {
        return new AuthCache();
    }

    @Provides
    @Singleton
    ScriptEngines engines(BrokerConfig config) {
        List<ScriptEngine> found = ScriptEngines.discover(loader, extraEngines).all();
        Map<String, Map<String, Object>> options = config.scripts().engines();
        options.keySet().stream()
                .filter(ext -> found.stream().noneMatch(e -> e.extensions().contains(ext)))
                .forEach(ext -> LOG.warn("scripts.{}: no script engine takes .{} files; these options are unused", ext, ext));
        return ScriptEngines.of(found);
    }

    @Provides
    @Singleton
    ProviderCatalog providers(BrokerConfig config, AuthCache authCache,
                              io.polyhook.broker.session.SessionRegistry sessions,
                              java.util.Optional<io.polyhook.broker.store.BrokerStore> store,
                              com.google.inject.Provider<io.polyhook.broker.cluster.Cluster> cluster) {
        ProviderCatalog.Builder catalog = ScriptWiring.catalog(loader, config, authCache);
        // The catalog is built while the node is still joining its cluster (BrokerStart): the
        // cluster-wide tables are looked up at each use, which is after the join (scripts load
        // once the node is a member), never here.
        io.polyhook.broker.cluster.ClusterTables tables = name -> cluster.get().tables().table(name);
        ScriptWiring.kv(catalog, store, config.cluster().enabled() ? java.util.Optional.of(tables)
                : java.util.Optional.empty());
        pluginLoaders.forEach(catalog::discover);
        return catalog.factory(new io.polyhook.broker.session.VmqApiProviderFactory(
                new io.polyhook.broker.plugins.SessionActions(sessions))).start();
    }

    @Provides
    @Singleton
    ScriptManager scripts(HookRegistry registry, ScriptEngines engines, ProviderCatalog providers, BrokerConfig config) {
        return new ScriptManager(registry, engines, ScriptWiring.environment(providers.providers(), config));
    }
}
