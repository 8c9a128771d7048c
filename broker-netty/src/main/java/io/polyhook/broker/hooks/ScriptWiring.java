package io.polyhook.broker.hooks;

import io.polyhook.broker.cluster.ClusterTables;
import io.polyhook.broker.config.BrokerConfig;
import io.polyhook.broker.config.ScriptsConfig;
import io.polyhook.broker.store.BrokerStore;
import io.polyhook.core.hook.internal.DispatchSettings;
import io.polyhook.core.provider.DataProvider;
import io.polyhook.core.provider.ProviderCatalog;
import io.polyhook.core.script.ScriptEnvironment;
import io.polyhook.provider.authcache.AuthCache;
import io.polyhook.provider.authcache.AuthCacheProviderFactory;
import io.polyhook.provider.kv.KvProviderFactory;
import io.polyhook.spi.Hook;
import io.polyhook.spi.Hooks;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What scripts get from a broker config: their libraries, their engine settings and the
 * deadlines of their calls. The broker's Guice modules and {@code polyhook script test} both
 * build them here, so that a script under test sees the libraries, sandbox and deadlines a
 * broker with the same config would give it.
 */
public final class ScriptWiring {

    private ScriptWiring() {
    }

    /**
     * The providers found through {@code loader}, with the {@code auth_cache} library over
     * {@code cache} and the {@code polyhook} library over {@code config}; the broker adds its own
     * ({@code vmq_api}) before it starts the catalog.
     */
    public static ProviderCatalog.Builder catalog(ClassLoader loader, BrokerConfig config, AuthCache cache) {
        // The explicit factory replaces the discovered one, which would have a cache of its own.
        return ProviderCatalog.builder().discover(loader).factory(new AuthCacheProviderFactory(cache))
                .factory(new ConfigLibraryFactory()).settings(modelOf(config));
    }

    /**
     * Makes {@code kv} tables created with {@code persist = true} keep their entries in {@code store},
     * and those created with {@code cluster = true} live in {@code cluster}'s shared tables; the
     * kv library refuses an option whose side is empty ({@code persistence.enabled: false},
     * {@code cluster.enabled: false}).
     */
    public static ProviderCatalog.Builder kv(ProviderCatalog.Builder catalog, Optional<BrokerStore> store,
                                             Optional<ClusterTables> cluster) {
        // Replaces the discovered kv factory, which has neither.
        return catalog.factory(new KvProviderFactory(store.map(StoredKvTables::new),
                cluster.map(SharedKvOnCluster::new)));
    }

    /**
     * The environment scripts are loaded with: {@code providers} (a catalog's), {@code scripts.states},
     * {@code scripts.hook_timeout} as the wait for a state, and the engine sections
     * ({@code scripts.lua}, {@code scripts.js}), which the script manager hands each engine.
     */
    public static ScriptEnvironment environment(List<DataProvider> providers, BrokerConfig config) {
        // The wait for a state is the longest hook deadline: engines also stop a call by themselves
        // after it, as a backstop to the dispatcher's interrupt at each hook's own deadline.
        Duration longest = config.scripts().hooks().values().stream()
                .map(ScriptsConfig.HookPolicy::timeout).filter(Objects::nonNull)
                .reduce(config.scripts().hookTimeout(), (a, b) -> a.compareTo(b) >= 0 ? a : b);
        return new ScriptEnvironment(providers, config.scripts().states(), longest,
                new LinkedHashMap<>(config.scripts().engines()));
    }

    /** The deadline and timeout fallback of every hook call: {@code scripts.hook_timeout}, {@code scripts.hooks}. */
    public static DispatchSettings dispatchSettings(ScriptsConfig scripts) {
        DispatchSettings.Builder b = DispatchSettings.builder().deadline(scripts.hookTimeout())
                .fallback(scripts.timeoutFallback());
        scripts.hooks().forEach((name, policy) -> {
            Hook<?> hook = Hooks.byName(name).orElseThrow();
            if (policy.timeout() != null) {
                b.deadline(hook, policy.timeout());
            }
            if (policy.fallback() != null) {
                b.fallback(hook, policy.fallback());
            }
        });
        return b.build();
    }

    /** The parts of the config providers read ({@code providers}, {@code auth}, ...), as model values. */
    static Map<String, Object> modelOf(BrokerConfig c) {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> broker = new LinkedHashMap<>();
        broker.put("allow_anonymous", c.broker().allowAnonymous());
        // Unset stays unset (nil for scripts): its rule depends on the hook, see NoMatch.
        c.broker().noMatch().configValue().ifPresent(v -> broker.put("no_match", v));
        m.put("broker", broker);
        m.put("scripts", Map.of("dir", c.scripts().dir(), "files", List.copyOf(c.scripts().files()),
                "states", (long) c.scripts().states(), "hook_timeout", c.scripts().hookTimeout().toMillis() + "ms"));
        m.put("providers", c.providers());
        m.put("auth", c.auth());
        m.put("plugins", c.plugins());
        return m;
    }
}
