package io.polyhook.testing;

import io.polyhook.core.hook.ChainOutcome;
import io.polyhook.core.hook.TimeoutFallback;
import io.polyhook.core.hook.internal.ClientLane;
import io.polyhook.core.hook.internal.DispatchSettings;
import io.polyhook.core.hook.internal.HandlerStats;
import io.polyhook.core.hook.internal.HookDispatcher;
import io.polyhook.core.hook.internal.HookRegistry;
import io.polyhook.core.plugin.PluginInfo;
import io.polyhook.core.plugin.internal.LocalMetrics;
import io.polyhook.core.plugin.internal.PluginEnvironment;
import io.polyhook.core.plugin.internal.PluginHost;
import io.polyhook.spi.AuthCacheView;
import io.polyhook.spi.ChainHook;
import io.polyhook.spi.ClientContext;
import io.polyhook.spi.HookContext;
import io.polyhook.spi.Modifiers;
import io.polyhook.spi.NotificationHook;
import io.polyhook.spi.Plugin;
import io.polyhook.spi.PluginMetrics;
import io.polyhook.spi.PublishContext;
import io.polyhook.spi.RegisterContext;
import io.polyhook.spi.SubscribeContext;
import io.polyhook.spi.UnsubscribeContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs Java plugins' handlers without a broker, with the broker's own registry and dispatcher:
 * the same order (priority, then registration), the same chain semantics (ok and deny stop the
 * chain, next passes on, a failing authorization handler never widens access), the same
 * validation of modifiers, the same per-call deadline and timeout fallback.
 *
 * <pre>{@code
 * try (PluginHarness harness = PluginHarness.builder().plugin(new TenantAuth()).settings("TenantAuth", Map.of("db", url)).start()) {
 *     ChainOutcome<RegisterModifiers> outcome = harness.chain(Hooks.AUTH_ON_REGISTER,
 *             TestContexts.register(MqttVersion.V3_1_1, "c1", "alice", "secret"));
 *     assertThat(outcome).isInstanceOf(ChainOutcome.Allowed.class);
 * }
 * }</pre>
 *
 * Plugins get a {@link RecordingBroker} as their broker, an auth cache (empty unless given), and
 * meters kept in memory ({@link #metrics(String)}). Closing stops the plugins.
 */
public final class PluginHarness implements AutoCloseable {

    /** How long {@link #chain} and {@link #notify} wait beyond the handler deadline before failing the test. */
    private static final Duration GRACE = Duration.ofSeconds(30);

    private final HookRegistry registry;
    private final HookDispatcher dispatcher;
    private final PluginHost host;
    private final RecordingBroker broker;
    private final PluginEnvironment.Meters meters;
    private final Duration deadline;
    private final Map<String, ClientLane> lanes = new ConcurrentHashMap<>();

    private PluginHarness(HookRegistry registry, HookDispatcher dispatcher, PluginHost host, RecordingBroker broker,
                          PluginEnvironment.Meters meters, Duration deadline) {
        this.registry = registry;
        this.dispatcher = dispatcher;
        this.host = host;
        this.broker = broker;
        this.meters = meters;
        this.deadline = deadline;
    }

    /** Starts describing a harness. */
    public static Builder builder() {
        return new Builder();
    }

    /** A harness around {@code plugin} with default settings. */
    public static PluginHarness start(Plugin plugin) {
        return builder().plugin(plugin).start();
    }

    /**
     * Runs the chain of {@code hook} for {@code context} on the lane of its client, as the broker
     * would, and waits for its outcome.
     *
     * @throws AssertionError if the chain does not end within the handler deadline plus 30 s
     */
    public <C extends HookContext, M extends Modifiers> ChainOutcome<M> chain(ChainHook<C, M> hook, C context) {
        try {
            return dispatcher.chain(lane(context), hook, context).toCompletableFuture()
                    .get(deadline.plus(GRACE).toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for " + hook.name(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError(hook.name() + " did not complete: " + e, e);
        }
    }

    /**
     * Tells the handlers of {@code hook} about {@code context}, as the broker would, and waits
     * until every one of them was called.
     *
     * @throws AssertionError if they are not all called within the handler deadline plus 30 s
     */
    public <C extends HookContext> void notify(NotificationHook<C> hook, C context) {
        int handlers = registry.handlers(hook).size();
        long before = calls(hook.name());
        dispatcher.notify(lane(context), hook, context);
        long until = System.nanoTime() + deadline.plus(GRACE).toNanos();
        while (calls(hook.name()) < before + handlers) {
            if (System.nanoTime() > until) {
                throw new AssertionError(hook.name() + ": not every handler was called");
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + hook.name(), e);
            }
        }
    }

    private long calls(String hook) {
        long n = 0;
        for (HandlerStats.Snapshot s : registry.statistics().snapshot()) {
            if (s.hook().equals(hook)) {
                n += s.calls();
            }
        }
        return n;
    }

    private ClientLane lane(HookContext context) {
        String client = switch (context) {
            case RegisterContext r -> r.clientId();
            case PublishContext p -> p.clientId();
            case SubscribeContext s -> s.clientId();
            case UnsubscribeContext u -> u.clientId();
            case ClientContext c -> c.clientId();
            default -> "";
        };
        return lanes.computeIfAbsent(client, dispatcher::newLane);
    }

    /** What the plugins asked the broker to do. */
    public RecordingBroker broker() {
        return broker;
    }

    /** The meters of plugin {@code name}, as it registered them. */
    public LocalMetrics metrics(String name) {
        PluginMetrics m = meters.forPlugin(name);
        return (LocalMetrics) m;
    }

    /** The plugins with their state and the hook points they registered for. */
    public List<PluginInfo> plugins() {
        return host.describe();
    }

    /** The registry, to look at handler order or statistics. */
    public HookRegistry registry() {
        return registry;
    }

    /** Stops the plugins (handlers first, then {@code stop}, in reverse order) and the dispatcher. */
    @Override
    public void close() {
        host.close();
        dispatcher.close();
    }

    /** Describes a {@link PluginHarness}. Not thread-safe. */
    public static final class Builder {
        private final List<Plugin> plugins = new ArrayList<>();
        private final Map<String, Map<String, Object>> settings = new HashMap<>();
        private Duration deadline = Duration.ofSeconds(5);
        private TimeoutFallback fallback = TimeoutFallback.DENY;
        private AuthCacheView authCache = PluginEnvironment.detached().authCache();

        private Builder() {
        }

        /** Adds a plugin; plugins start in the order they are added. */
        public Builder plugin(Plugin plugin) {
            plugins.add(Objects.requireNonNull(plugin, "plugin"));
            return this;
        }

        /** The {@code plugins.<name>} settings of plugin {@code name}. */
        public Builder settings(String name, Map<String, Object> value) {
            settings.put(name, Map.copyOf(value));
            return this;
        }

        /** The deadline of each handler call ({@code scripts.hook_timeout}; 5 s by default). */
        public Builder deadline(Duration value) {
            deadline = Objects.requireNonNull(value, "deadline");
            return this;
        }

        /** What a call that misses its deadline counts as ({@code scripts.timeout_fallback}; deny by default). */
        public Builder timeoutFallback(TimeoutFallback value) {
            fallback = Objects.requireNonNull(value, "fallback");
            return this;
        }

        /** The auth cache plugins read; an empty one by default. */
        public Builder authCache(AuthCacheView value) {
            authCache = Objects.requireNonNull(value, "authCache");
            return this;
        }

        /**
         * Starts the plugins.
         *
         * @throws io.polyhook.core.plugin.internal.PluginStartException if one fails to start, as the broker would
         */
        public PluginHarness start() {
            HookRegistry registry = new HookRegistry();
            HookDispatcher dispatcher = new HookDispatcher(registry,
                    DispatchSettings.builder().deadline(deadline).fallback(fallback).build());
            RecordingBroker broker = new RecordingBroker();
            PluginEnvironment.Meters meters = LocalMetrics.perPlugin();
            try {
                PluginHost host = PluginHost.start(registry,
                        plugins.stream().map(p -> new PluginHost.Candidate(p, "test")).toList(),
                        name -> settings.getOrDefault(name, Map.of()), new PluginEnvironment(broker, authCache, meters));
                return new PluginHarness(registry, dispatcher, host, broker, meters, deadline);
            } catch (RuntimeException e) {
                dispatcher.close();
                throw e;
            }
        }
    }
}
