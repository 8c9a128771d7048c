package io.polyhook.core.plugin.internal;

import io.polyhook.spi.PluginMetrics;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.function.DoubleSupplier;

/**
 * A {@link PluginMetrics} that keeps its meters in memory and publishes them nowhere: for a plugin
 * host without a broker, and for tests that read what a plugin counted.
 */
public final class LocalMetrics implements PluginMetrics {

    private final Map<String, Object> meters = new ConcurrentHashMap<>();

    /** Per-plugin {@link LocalMetrics}, kept until the plugin stops. */
    public static PluginEnvironment.Meters perPlugin() {
        Map<String, LocalMetrics> byPlugin = new ConcurrentHashMap<>();
        return new PluginEnvironment.Meters() {
            @Override
            public PluginMetrics forPlugin(String name) {
                return byPlugin.computeIfAbsent(name, n -> new LocalMetrics());
            }

            @Override
            public void remove(String name) {
                byPlugin.remove(name);
            }
        };
    }

    @Override
    public Counter counter(String name, String description) {
        return meter(name, LocalCounter.class, LocalCounter::new);
    }

    @Override
    public void gauge(String name, String description, DoubleSupplier value) {
        MeterNames.check(name);
        if (meters.putIfAbsent(name, value) != null) {
            throw new IllegalArgumentException("meter " + name + " exists already");
        }
    }

    @Override
    public Timer timer(String name, String description) {
        return meter(name, LocalTimer.class, LocalTimer::new);
    }

    /** The current value of gauge {@code name}. */
    public double gaugeValue(String name) {
        if (!(meters.get(name) instanceof DoubleSupplier g)) {
            throw new IllegalArgumentException("no gauge named " + name);
        }
        return g.getAsDouble();
    }

    private <T> T meter(String name, Class<T> type, java.util.function.Supplier<T> create) {
        MeterNames.check(name);
        Object m = meters.computeIfAbsent(name, n -> create.get());
        if (!type.isInstance(m)) {
            throw new IllegalArgumentException("meter " + name + " exists already as another kind of meter");
        }
        return type.cast(m);
    }

    private static final class LocalCounter implements Counter {
        private final DoubleAdder count = new DoubleAdder();

        @Override
        public void increment() {
            count.add(1);
        }

        @Override
        public void increment(double amount) {
            count.add(amount);
        }

        @Override
        public double count() {
            return count.sum();
        }
    }

    private static final class LocalTimer implements Timer {
        private final AtomicLong count = new AtomicLong();

        @Override
        public void record(Duration duration) {
            count.incrementAndGet();
        }

        @Override
        public long count() {
            return count.get();
        }
    }
}
