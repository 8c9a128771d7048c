package io.polyhook.broker.plugins;

import io.polyhook.broker.config.BrokerConfig;
import io.polyhook.broker.config.ConfigException;
import io.polyhook.core.hook.internal.HookRegistry;
import io.polyhook.core.plugin.PluginInfo;
import io.polyhook.core.plugin.internal.PluginDirectory;
import io.polyhook.core.plugin.internal.PluginEnvironment;
import io.polyhook.core.plugin.internal.PluginHost;
import io.polyhook.spi.Plugin;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The broker's Java plugins: those of the plugins folder ({@code plugins.dir}), those on the
 * class path, and the embedded ones, started in that order with their {@code plugins.<name>}
 * settings. Closing stops them; the folder's class loaders are closed by whoever opened the
 * {@link PluginDirectory}, after the providers loaded through them.
 */
public final class BrokerPlugins implements AutoCloseable {

    private final PluginHost host;

    private BrokerPlugins(PluginHost host) {
        this.host = host;
    }

    /**
     * Starts the plugins.
     *
     * @param config    the broker's config: the settings and the plugins folder's name for errors
     * @param directory the opened plugins folder
     * @param onClasspath the plugins found on the broker's class path (empty if discovery is off)
     * @param embedded  plugins handed to the embedding API
     * @throws ConfigException if a {@code plugins.<name>} section names no installed plugin
     * @throws io.polyhook.core.plugin.internal.PluginStartException if a plugin fails to start
     */
    public static BrokerPlugins start(BrokerConfig config, PluginDirectory directory, List<Plugin> onClasspath,
                                      List<Plugin> embedded, HookRegistry registry, PluginEnvironment environment) {
        List<PluginHost.Candidate> all = new ArrayList<>(directory.plugins());
        onClasspath.forEach(p -> all.add(new PluginHost.Candidate(p, "classpath")));
        embedded.forEach(p -> all.add(new PluginHost.Candidate(p, "embedded")));
        checkSections(config, all);
        return new BrokerPlugins(PluginHost.start(registry, all, config::pluginSettings, environment));
    }

    /** A config section for a plugin that is not installed is a mistake worth stopping for: a typo, a missing jar. */
    static void checkSections(BrokerConfig config, List<PluginHost.Candidate> installed) {
        Set<String> names = new TreeSet<>();
        installed.forEach(c -> names.add(c.plugin().name()));
        for (String section : config.pluginSections()) {
            if (!names.contains(section)) {
                throw new ConfigException("plugins." + section, "no plugin named " + section + " is installed (installed: "
                        + (names.isEmpty() ? "none" : String.join(", ", names)) + "; plugins folder: "
                        + config.pluginsDir().toAbsolutePath().normalize() + ")");
            }
        }
    }

    /** The started plugins, in start order. */
    public List<Plugin> plugins() {
        return host.plugins();
    }

    /** Every plugin with its version, source, state and hook points. */
    public List<PluginInfo> describe() {
        return host.describe();
    }

    /** Removes the plugins' handlers and stops them, in reverse start order. */
    @Override
    public void close() {
        host.close();
    }
}
