package io.polyhook.broker.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import io.polyhook.core.hook.internal.HandlerStats;
import io.polyhook.core.hook.internal.HookStatistics;
import io.polyhook.core.hook.internal.LatencyBuckets;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code polyhook_hook_latency_seconds}: the latency of completed handler calls as a Prometheus
 * histogram ({@code _bucket}, {@code _sum}, {@code _count}) per {@code kind}, {@code origin} and
 * {@code hook}. Read from the hook statistics' own fixed buckets when scraped
 * ({@link LatencyBuckets}), so the message path pays nothing for it.
 */
final class HookLatencyHistograms implements MultiCollector {

    static final String NAME = "polyhook_hook_latency_seconds";
    private static final double[] BOUNDS = bounds();

    private final HookStatistics statistics;
    private final Supplier<Map<String, String>> scriptLabels;

    HookLatencyHistograms(HookStatistics statistics, Supplier<Map<String, String>> scriptLabels) {
        this.statistics = statistics;
        this.scriptLabels = scriptLabels;
    }

    @Override
    public MetricSnapshots collect() {
        List<HandlerStats.Snapshot> all = statistics.snapshot();
        Map<String, String> labels = scriptLabels.get();
        HistogramSnapshot.Builder histogram = HistogramSnapshot.builder().name(NAME).unit(Unit.SECONDS)
                .help("latency of completed handler calls (the auth cache's: a sample of them)");
        for (HandlerStats.Snapshot s : all) {
            LatencyBuckets.Counts counts = s.latency();
            long[] perBucket = counts.perBucket().stream().mapToLong(Long::longValue).toArray();
            histogram.dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
                    .labels(Labels.of("kind", s.origin().kind().name().toLowerCase(Locale.ROOT),
                            "origin", OriginLabels.of(s.origin(), labels), "hook", s.hook()))
                    .classicHistogramBuckets(ClassicHistogramBuckets.of(BOUNDS, perBucket))
                    .sum(counts.sumSeconds())
                    .build());
        }
        return MetricSnapshots.of(histogram.build());
    }

    @Override
    public List<String> getPrometheusNames() {
        return List.of(NAME);
    }

    private static double[] bounds() {
        double[] b = new double[LatencyBuckets.UPPER_BOUNDS_SECONDS.size() + 1];
        for (int i = 0; i < b.length - 1; i++) {
            b[i] = LatencyBuckets.UPPER_BOUNDS_SECONDS.get(i);
        }
        b[b.length - 1] = Double.POSITIVE_INFINITY;
        return b;
    }
}
