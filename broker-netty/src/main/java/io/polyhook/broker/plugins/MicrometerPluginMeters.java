package io.polyhook.broker.plugins;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.polyhook.core.plugin.internal.MeterNames;
import io.polyhook.core.plugin.internal.PluginEnvironment;
import io.polyhook.spi.PluginMetrics;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;

/**
 * Plugins' meters in the broker's Micrometer registry, so they appear on {@code /metrics}:
 * meter {@code x.y} of plugin {@code P} is {@code polyhook.plugin.x.y{plugin="P"}}
 * ({@code polyhook_plugin_x_y} in Prometheus). A plugin's meters are removed when it stops.
 */
public final class MicrometerPluginMeters implements PluginEnvironment.Meters {

    /** The prefix of every plugin meter's name. */
    public static final String PREFIX = "polyhook.plugin.";

    private final MeterRegistry registry;
    private final Map<String, PluginRegistry> byPlugin = new ConcurrentHashMap<>();

    /** Meters in {@code registry}. */
    public MicrometerPluginMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public PluginMetrics forPlugin(String name) {
        return byPlugin.computeIfAbsent(name, PluginRegistry::new);
    }

    @Override
    public void remove(String name) {
        PluginRegistry r = byPlugin.remove(name);
        if (r != null) {
            r.meters.values().forEach(registry::remove);
        }
    }

    private final class PluginRegistry implements PluginMetrics {
        private final String plugin;
        private final Map<String, Meter> meters = new ConcurrentHashMap<>();

        PluginRegistry(String plugin) {
            this.plugin = plugin;
        }

        @Override
        public Counter counter(String name, String description) {
            Meter m = meters.computeIfAbsent(MeterNames.check(name), n -> io.micrometer.core.instrument.Counter
                    .builder(PREFIX + n).description(description).tag("plugin", plugin).register(registry));
            if (!(m instanceof io.micrometer.core.instrument.Counter c)) {
                throw new IllegalArgumentException("meter " + name + " exists already as another kind of meter");
            }
            return new Counter() {
                @Override
                public void increment() {
                    c.increment();
                }

                @Override
                public void increment(double amount) {
                    c.increment(amount);
                }

                @Override
                public double count() {
                    return c.count();
                }
            };
        }

        @Override
        public void gauge(String name, String description, DoubleSupplier value) {
            MeterNames.check(name);
            if (meters.containsKey(name)) {
                throw new IllegalArgumentException("meter " + name + " exists already");
            }
            meters.computeIfAbsent(name, n -> Gauge.builder(PREFIX + n, value, DoubleSupplier::getAsDouble)
                    .description(description).tag("plugin", plugin).strongReference(true).register(registry));
        }

        @Override
        public Timer timer(String name, String description) {
            Meter m = meters.computeIfAbsent(MeterNames.check(name), n -> io.micrometer.core.instrument.Timer
                    .builder(PREFIX + n).description(description).tag("plugin", plugin).register(registry));
            if (!(m instanceof io.micrometer.core.instrument.Timer t)) {
                throw new IllegalArgumentException("meter " + name + " exists already as another kind of meter");
            }
            return new Timer() {
                @Override
                public void record(Duration duration) {
                    t.record(duration);
                }

                @Override
                public long count() {
                    return t.count();
                }
            };
        }

        @Override
        public String toString() {
            return "metrics of plugin " + plugin + " " + List.copyOf(meters.keySet());
        }
    }
}
