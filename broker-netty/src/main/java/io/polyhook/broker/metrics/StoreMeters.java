package io.polyhook.broker.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.polyhook.broker.store.BrokerStore;
import io.polyhook.broker.store.LatencyHistogram;
import io.polyhook.broker.store.StoreMetrics;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The durable store's meters: its size on disk, the messages and bytes its queues hold, and the
 * latency of its writes (the write-ahead log write a PUBACK waits for) and of its fsyncs. Read
 * from the store once per scrape ({@link #refresh()}), never on the message path.
 */
final class StoreMeters {

    private final BrokerStore store;
    private final AtomicReference<StoreMetrics> last;

    StoreMeters(BrokerStore store, MeterRegistry registry) {
        this.store = store;
        this.last = new AtomicReference<>(store.metrics());
        gauge(registry, "polyhook.store.disk.bytes", "the store's files on disk", "bytes", StoreMetrics::diskBytes);
        gauge(registry, "polyhook.store.queued.messages", "messages in the persistent sessions' queues on disk", null,
                StoreMetrics::queuedMessages);
        gauge(registry, "polyhook.store.queued.bytes", "what those messages weigh against max_offline_bytes", "bytes",
                StoreMetrics::queuedBytes);
        latency(registry, "polyhook.store.write", "committing a batch to the write-ahead log (no fsync)",
                StoreMetrics::writes);
        latency(registry, "polyhook.store.sync", "one fsync of the write-ahead log", StoreMetrics::syncs);
    }

    /** Reads the store's numbers for this scrape. */
    void refresh() {
        last.set(store.metrics());
    }

    private void gauge(MeterRegistry registry, String name, String description, String unit,
                       ToDoubleFunction<StoreMetrics> value) {
        Gauge.Builder<AtomicReference<StoreMetrics>> b = Gauge.builder(name, last, r -> value.applyAsDouble(r.get()))
                .description(description).strongReference(true);
        if (unit != null) {
            b.baseUnit(unit);
        }
        b.register(registry);
    }

    private void latency(MeterRegistry registry, String name, String description,
                         Function<StoreMetrics, LatencyHistogram.Snapshot> histogram) {
        FunctionCounter.builder(name + "s", last, r -> histogram.apply(r.get()).count())
                .description(description + ": how many").register(registry);
        stat(registry, name, description, "mean", histogram, s -> s.meanMicros());
        stat(registry, name, description, "p50", histogram, s -> s.quantileMicros(0.5));
        stat(registry, name, description, "p99", histogram, s -> s.quantileMicros(0.99));
        stat(registry, name, description, "max", histogram, s -> s.maxNanos() / 1000.0);
    }

    private void stat(MeterRegistry registry, String name, String description, String stat,
                      Function<StoreMetrics, LatencyHistogram.Snapshot> histogram,
                      ToDoubleFunction<LatencyHistogram.Snapshot> micros) {
        Gauge.builder(name + ".latency", last, r -> micros.applyAsDouble(histogram.apply(r.get())) / 1_000_000.0)
                .description(description).baseUnit("seconds").tags(Tags.of("stat", stat)).strongReference(true)
                .register(registry);
    }
}
