package io.polyhook.core.plugin;

import io.polyhook.core.hook.HandlerOrigin;
import io.polyhook.core.hook.HookRegistry;
import io.polyhook.spi.HookRegistrar;
import io.polyhook.spi.Plugin;
import io.polyhook.spi.PluginContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Function;

/**
 * Starts Java plugins in a fixed order and stops them in reverse. A plugin that fails to start
 * stops the whole start: the plugins already started are stopped again and the error names the
 * plugin, so a broker never runs with half of its security plugins.
 */
public final class PluginHost implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PluginHost.class);

    private final HookRegistry registry;
    private final List<Plugin> started = new ArrayList<>();

    private PluginHost(HookRegistry registry) {
        this.registry = registry;
    }

    /** The plugins {@link ServiceLoader} finds through {@code loader}, ordered by name. */
    public static List<Plugin> discover(ClassLoader loader) {
        List<Plugin> plugins = new ArrayList<>();
        ServiceLoader.load(Plugin.class, loader).forEach(plugins::add);
        plugins.sort((a, b) -> a.name().compareTo(b.name()));
        return plugins;
    }

    /**
     * Starts {@code plugins} in order, each with its settings.
     *
     * @param registry where their handlers go
     * @param plugins  the plugins, e.g. from {@link #discover(ClassLoader)} plus embedded ones
     * @param settings the {@code plugins.<name>} config section of a plugin by name (empty map if none)
     * @throws PluginStartException if a plugin throws from {@code start}; nothing stays started
     */
    public static PluginHost start(HookRegistry registry, List<Plugin> plugins,
                                   Function<String, Map<String, Object>> settings) {
        PluginHost host = new PluginHost(registry);
        for (Plugin plugin : plugins) {
            HandlerOrigin origin = HandlerOrigin.plugin(plugin.name());
            HookRegistrar registrar = registry.registrar(origin, plugin.priority());
            Map<String, Object> own = Collections.unmodifiableMap(settings.apply(plugin.name()));
            try {
                plugin.start(new PluginContext() {
                    @Override
                    public HookRegistrar hooks() {
                        return registrar;
                    }

                    @Override
                    public Map<String, Object> settings() {
                        return own;
                    }
                });
            } catch (Exception | LinkageError e) {
                registry.remove(origin);
                host.close();
                throw new PluginStartException("plugin " + plugin.name() + " failed to start: " + e.getMessage(), e);
            }
            host.started.add(plugin);
            LOG.info("plugin {} started (priority {})", plugin.name(), plugin.priority());
        }
        return host;
    }

    /** The started plugins, in start order. */
    public List<Plugin> plugins() {
        return List.copyOf(started);
    }

    /** Removes every plugin's handlers, then stops the plugins in reverse start order. */
    @Override
    public void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            Plugin plugin = started.get(i);
            registry.remove(HandlerOrigin.plugin(plugin.name()));
            try {
                plugin.stop();
            } catch (Exception e) {
                LOG.warn("plugin {} failed to stop cleanly: {}", plugin.name(), e.toString());
            }
        }
        started.clear();
    }
}
