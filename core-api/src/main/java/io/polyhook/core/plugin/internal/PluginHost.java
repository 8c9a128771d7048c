package io.polyhook.core.plugin.internal;

import io.polyhook.core.hook.HandlerOrigin;
import io.polyhook.core.hook.internal.HookRegistry;
import io.polyhook.core.plugin.PluginInfo;
import io.polyhook.core.plugin.PluginState;
import io.polyhook.spi.Hook;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.Plugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.function.Function;

/**
 * Starts Java plugins in a fixed order and stops them in reverse. A plugin that fails to start
 * stops the whole start: the plugins already started are stopped again and the error names the
 * plugin, so a broker never runs with half of its security plugins.
 *
 * <p>A plugin's {@code start} and {@code stop} run with the thread's context class loader set to
 * the plugin's own, as libraries that look up services that way expect.
 */
public final class PluginHost implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PluginHost.class);

    /**
     * A plugin to start, with where it came from.
     *
     * @param plugin the plugin
     * @param source the path of its jar or folder, {@code classpath} or {@code embedded}
     */
    public record Candidate(Plugin plugin, String source) {
        /** Checks both parts are present. */
        public Candidate {
            Objects.requireNonNull(plugin, "plugin");
            Objects.requireNonNull(source, "source");
        }
    }

    private static final class Hosted {
        final Candidate candidate;
        final HandlerOrigin origin;
        volatile PluginState state = PluginState.STARTING;

        Hosted(Candidate candidate) {
            this.candidate = candidate;
            this.origin = HandlerOrigin.plugin(candidate.plugin().name());
        }
    }

    private final HookRegistry registry;
    private final PluginEnvironment environment;
    private final List<Hosted> hosted = Collections.synchronizedList(new ArrayList<>());

    private PluginHost(HookRegistry registry, PluginEnvironment environment) {
        this.registry = registry;
        this.environment = environment;
    }

    /** The plugins {@link ServiceLoader} finds through {@code loader}, ordered by name. */
    public static List<Plugin> discover(ClassLoader loader) {
        List<Plugin> plugins = new ArrayList<>();
        ServiceLoader.load(Plugin.class, loader).forEach(plugins::add);
        plugins.sort((a, b) -> a.name().compareTo(b.name()));
        return plugins;
    }

    /**
     * Starts {@code plugins} in order, each with its settings, without a broker behind them:
     * their {@link io.polyhook.spi.PluginContext#broker()} refuses every action and their auth
     * cache is empty (see {@link PluginEnvironment#detached()}).
     *
     * @see #start(HookRegistry, List, Function, PluginEnvironment)
     */
    public static PluginHost start(HookRegistry registry, List<Plugin> plugins,
                                   Function<String, Map<String, Object>> settings) {
        return start(registry, plugins.stream().map(p -> new Candidate(p, "embedded")).toList(), settings,
                PluginEnvironment.detached());
    }

    /**
     * Starts {@code plugins} in order, each with its settings.
     *
     * @param registry    where their handlers go
     * @param plugins     the plugins, e.g. from a {@link PluginDirectory}, {@link #discover(ClassLoader)} and embedded ones
     * @param settings    the {@code plugins.<name>} config section of a plugin by name (empty map if none)
     * @param environment what their contexts lend them
     * @throws PluginStartException if two plugins have the same name, or a plugin throws from
     *     {@code start}; nothing stays started
     */
    public static PluginHost start(HookRegistry registry, List<Candidate> plugins,
                                   Function<String, Map<String, Object>> settings, PluginEnvironment environment) {
        Map<String, Candidate> byName = new HashMap<>();
        for (Candidate c : plugins) {
            Candidate other = byName.putIfAbsent(c.plugin().name(), c);
            if (other != null) {
                throw new PluginStartException("two plugins are named " + c.plugin().name() + ": "
                        + describe(other) + " and " + describe(c), null);
            }
        }
        PluginHost host = new PluginHost(registry, environment);
        for (Candidate candidate : plugins) {
            host.startOne(candidate, settings);
        }
        return host;
    }

    private static String describe(Candidate c) {
        return c.plugin().getClass().getName() + " (" + c.source() + ")";
    }

    private void startOne(Candidate candidate, Function<String, Map<String, Object>> settings) {
        Plugin plugin = candidate.plugin();
        Hosted h = new Hosted(candidate);
        hosted.add(h);
        Map<String, Object> own = Collections.unmodifiableMap(settings.apply(plugin.name()));
        HostedPluginContext context = new HostedPluginContext(plugin, registry.registrar(h.origin, plugin.priority()),
                own, environment);
        try {
            withPluginLoader(plugin, () -> plugin.start(context));
        } catch (Exception | LinkageError e) {
            h.state = PluginState.FAILED;
            registry.remove(h.origin);
            environment.meters().remove(plugin.name());
            close();
            throw new PluginStartException("plugin " + plugin.name() + " failed to start: " + e.getMessage(), e);
        }
        h.state = PluginState.STARTED;
        LOG.info("plugin {} {} started from {} (priority {})", plugin.name(), plugin.version(), candidate.source(),
                plugin.priority());
    }

    private interface PluginCall {
        void run() throws Exception;
    }

    private static void withPluginLoader(Plugin plugin, PluginCall call) throws Exception {
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        t.setContextClassLoader(plugin.getClass().getClassLoader());
        try {
            call.run();
        } finally {
            t.setContextClassLoader(before);
        }
    }

    /** The started plugins, in start order. */
    public List<Plugin> plugins() {
        synchronized (hosted) {
            return hosted.stream().filter(h -> h.state == PluginState.STARTED).map(h -> h.candidate.plugin()).toList();
        }
    }

    /** Every plugin this host started, in start order, with its version, state and hook points. */
    public List<PluginInfo> describe() {
        List<Hosted> all;
        synchronized (hosted) {
            all = List.copyOf(hosted);
        }
        List<PluginInfo> out = new ArrayList<>();
        for (Hosted h : all) {
            Plugin p = h.candidate.plugin();
            List<String> hooks = new ArrayList<>();
            for (Hook<?> hook : Hooks.all()) {
                if (registry.handlers(hook).contains(h.origin)) {
                    hooks.add(hook.name());
                }
            }
            out.add(new PluginInfo(p.name(), p.version(), p.getClass().getName(), h.candidate.source(), p.priority(),
                    h.state, hooks));
        }
        return out;
    }

    /** Removes every plugin's handlers, then stops the plugins in reverse start order. */
    @Override
    public void close() {
        List<Hosted> all;
        synchronized (hosted) {
            all = List.copyOf(hosted);
        }
        for (Hosted h : all.reversed()) {
            if (h.state != PluginState.STARTED) {
                continue;
            }
            Plugin plugin = h.candidate.plugin();
            registry.remove(h.origin);
            try {
                withPluginLoader(plugin, plugin::stop);
            } catch (Exception | LinkageError e) {
                LOG.warn("plugin {} failed to stop cleanly: {}", plugin.name(), e.toString());
            }
            environment.meters().remove(plugin.name());
            h.state = PluginState.STOPPED;
        }
    }
}
