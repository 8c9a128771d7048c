package io.polyhook.broker.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.polyhook.broker.store.InMemoryBrokerStore;
import io.polyhook.broker.store.StoreBatch;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StoreMetersTest {

    @Test
    void theStoresWriteAndFsyncLatenciesAreHistogramsWithBuckets() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (InMemoryBrokerStore store = new InMemoryBrokerStore()) {
            StoreMeters meters = new StoreMeters(store, registry);
            for (int i = 0; i < 3; i++) {
                try (StoreBatch b = store.batch()) {
                    b.putKv("t", "k" + i, new byte[] {1});
                    b.commit();
                }
            }
            meters.sync(3_000_000); // a 3 ms fsync, as the RocksDB store's fsync thread reports it
            meters.refresh();

            String scrape = registry.scrape();
            assertThat(scrape).contains("# TYPE polyhook_store_write_latency_seconds histogram",
                    "polyhook_store_write_latency_seconds_bucket{le=\"+Inf\"} 3",
                    "polyhook_store_write_latency_seconds_count 3",
                    "# TYPE polyhook_store_sync_latency_seconds histogram",
                    "polyhook_store_sync_latency_seconds_bucket{le=\"0.0025\"} 0",
                    "polyhook_store_sync_latency_seconds_bucket{le=\"0.005\"} 1",
                    "polyhook_store_queued_messages 0.0")
                    .doesNotContain("stat=");
        } finally {
            registry.close();
        }
    }
}
