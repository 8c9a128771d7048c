package io.polyhook.broker.metrics;

import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class LatencyTimerTest {

    @Test
    void aLatencyTimerIsAHistogramWithTheHookLatencyBuckets() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try {
            Timer t = BrokerMetrics.latencyTimer(registry, "polyhook.store.write.latency", "a store write", Tags.of("op", "put"));
            t.record(Duration.ofMillis(1));
            t.record(Duration.ofMillis(3));

            String scrape = registry.scrape();
            assertThat(scrape).contains("# TYPE polyhook_store_write_latency_seconds histogram",
                    "polyhook_store_write_latency_seconds_bucket{op=\"put\",le=\"0.001\"} 1",
                    "polyhook_store_write_latency_seconds_bucket{op=\"put\",le=\"0.005\"} 2",
                    "polyhook_store_write_latency_seconds_count{op=\"put\"} 2");
        } finally {
            registry.close();
        }
    }
}
