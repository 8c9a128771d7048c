package io.polyhook.broker.hooks;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import io.polyhook.broker.config.BrokerConfig;
import io.polyhook.broker.config.ScriptsConfig;
import io.polyhook.core.hook.HookRegistry;
import io.polyhook.core.provider.ProviderCatalog;
import io.polyhook.core.script.ScriptEngine;
import io.polyhook.core.script.ScriptEngines;
import io.polyhook.core.script.ScriptEnvironment;
import io.polyhook.core.script.ScriptManager;
import io.polyhook.provider.authcache.AuthCache;
import io.polyhook.provider.authcache.AuthCacheProviderFactory;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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

    /** Discovers engines and providers through {@code loader}, and adds {@code extraEngines}. */
    public ScriptModule(ClassLoader loader, List<ScriptEngine> extraEngines) {
        this.loader = loader;
        this.extraEngines = List.copyOf(extraEngines);
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
                              io.polyhook.broker.session.SessionRegistry sessions) {
        // The explicit factory replaces the discovered one, which would have a cache of its own.
        return ProviderCatalog.builder().discover(loader).factory(new AuthCacheProviderFactory(authCache))
                .factory(new io.polyhook.broker.session.VmqApiProviderFactory(sessions))
                .factory(new ConfigLibraryFactory())
                .settings(modelOf(config)).start();
    }

    @Provides
    @Singleton
    ScriptManager scripts(HookRegistry registry, ScriptEngines engines, ProviderCatalog providers, BrokerConfig config) {
        // Sections by file extension (scripts.lua, scripts.js): the manager gives each engine its own.
        // The wait for a state is the longest hook deadline: engines also stop a call by themselves
        // after it, as a backstop to the dispatcher's interrupt at each hook's own deadline.
        Duration longest = config.scripts().hooks().values().stream()
                .map(ScriptsConfig.HookPolicy::timeout).filter(Objects::nonNull)
                .reduce(config.scripts().hookTimeout(), (a, b) -> a.compareTo(b) >= 0 ? a : b);
        ScriptEnvironment env = new ScriptEnvironment(providers.providers(), config.scripts().states(),
                longest, new LinkedHashMap<>(config.scripts().engines()));
        return new ScriptManager(registry, engines, env);
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
