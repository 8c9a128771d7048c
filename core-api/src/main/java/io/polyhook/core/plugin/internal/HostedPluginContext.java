package io.polyhook.core.plugin.internal;

import io.polyhook.spi.AuthCacheView;
import io.polyhook.spi.BrokerActions;
import io.polyhook.spi.HookRegistrar;
import io.polyhook.spi.Plugin;
import io.polyhook.spi.PluginContext;
import io.polyhook.spi.PluginMetrics;

import java.util.Map;

/** The context one plugin gets from its {@link PluginHost}. */
final class HostedPluginContext implements PluginContext {

    /** The prefix of every plugin's logger name. */
    static final String LOGGER_PREFIX = "io.polyhook.plugin.";

    private final HookRegistrar hooks;
    private final Map<String, Object> settings;
    private final System.Logger logger;
    private final PluginEnvironment environment;
    private final PluginMetrics metrics;

    HostedPluginContext(Plugin plugin, HookRegistrar hooks, Map<String, Object> settings, PluginEnvironment environment) {
        this.hooks = hooks;
        this.settings = settings;
        this.logger = System.getLogger(LOGGER_PREFIX + plugin.name());
        this.environment = environment;
        this.metrics = environment.meters().forPlugin(plugin.name());
    }

    @Override
    public HookRegistrar hooks() {
        return hooks;
    }

    @Override
    public Map<String, Object> settings() {
        return settings;
    }

    @Override
    public System.Logger logger() {
        return logger;
    }

    @Override
    public BrokerActions broker() {
        return environment.broker();
    }

    @Override
    public AuthCacheView authCache() {
        return environment.authCache();
    }

    @Override
    public PluginMetrics metrics() {
        return metrics;
    }
}
