package io.polyhook.broker.hooks;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import io.polyhook.broker.config.BrokerConfig;
import io.polyhook.core.hook.HookRegistry;
import io.polyhook.core.provider.ProviderCatalog;
import io.polyhook.core.script.ScriptEngine;
import io.polyhook.core.script.ScriptEngines;
import io.polyhook.core.script.ScriptEnvironment;
import io.polyhook.core.script.ScriptManager;
import jakarta.inject.Singleton;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Binds the script side: the engines and data providers found on the class path
 * ({@link java.util.ServiceLoader}), and the script manager that loads {@code scripts.dir} and
 * {@code scripts.files} into the hook registry.
 */
public final class ScriptModule extends AbstractModule {

    private final ClassLoader loader;
    private final List<ScriptEngine> extraEngines;

    /** Discovers engines and providers through {@code loader}, and adds {@code extraEngines}. */
    public ScriptModule(ClassLoader loader, List<ScriptEngine> extraEngines) {
        this.loader = loader;
        this.extraEngines = List.copyOf(extraEngines);
    }

    @Provides
    @Singleton
    ScriptEngines engines() {
        return ScriptEngines.discover(loader, extraEngines);
    }

    @Provides
    @Singleton
    ProviderCatalog providers(BrokerConfig config) {
        return ProviderCatalog.builder().discover(loader).settings(modelOf(config)).start();
    }

    @Provides
    @Singleton
    ScriptManager scripts(HookRegistry registry, ScriptEngines engines, ProviderCatalog providers, BrokerConfig config) {
        ScriptEnvironment env = new ScriptEnvironment(providers.providers(), config.scripts().states(),
                config.scripts().hookTimeout(), Map.of());
        return new ScriptManager(registry, engines, env);
    }

    /** The parts of the config providers read ({@code providers}, {@code auth}, ...), as model values. */
    static Map<String, Object> modelOf(BrokerConfig c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("broker", Map.of("allow_anonymous", c.broker().allowAnonymous(),
                "no_match", c.broker().noMatchAllow() ? "allow" : "deny"));
        m.put("scripts", Map.of("dir", c.scripts().dir(), "files", List.copyOf(c.scripts().files()),
                "states", (long) c.scripts().states(), "hook_timeout", c.scripts().hookTimeout().toMillis() + "ms"));
        m.put("providers", c.providers());
        m.put("auth", c.auth());
        m.put("plugins", c.plugins());
        return m;
    }
}
