package io.polyhook.broker.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.polyhook.broker.store.BrokerStore;
import io.polyhook.broker.store.StoreLatencies;
import io.polyhook.broker.store.StoreMetrics;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;

/**
 * The durable store's meters: its size on disk and the messages and bytes its queues hold (read
 * from the store once per scrape, {@link #refresh()}), and the latency of its writes (the
 * write-ahead log write a PUBACK waits for) and of its fsyncs as histograms with the buckets of
 * every broker latency ({@link BrokerMetrics#latencyTimer}), recorded as the store reports them.
 */
final class StoreMeters implements StoreLatencies {

    private final BrokerStore store;
    private final AtomicReference<StoreMetrics> last;
    private final Timer writes;
    private final Timer syncs;

    StoreMeters(BrokerStore store, MeterRegistry registry) {
        this.store = store;
        this.last = new AtomicReference<>(store.metrics());
        gauge(registry, "polyhook.store.disk.bytes", "the store's files on disk", "bytes", StoreMetrics::diskBytes);
        gauge(registry, "polyhook.store.queued.messages", "messages in the persistent sessions' queues on disk", null,
                StoreMetrics::queuedMessages);
        gauge(registry, "polyhook.store.queued.bytes", "what those messages weigh against max_offline_bytes", "bytes",
                StoreMetrics::queuedBytes);
        writes = BrokerMetrics.latencyTimer(registry, "polyhook.store.write.latency",
                "committing a batch to the write-ahead log (no fsync)", Tags.empty());
        syncs = BrokerMetrics.latencyTimer(registry, "polyhook.store.sync.latency", "one fsync of the write-ahead log",
                Tags.empty());
        store.reportLatencies(this);
    }

    @Override
    public void write(long nanos) {
        writes.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void sync(long nanos) {
        syncs.record(nanos, TimeUnit.NANOSECONDS);
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
}
