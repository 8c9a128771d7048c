package io.polyhook.broker.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.polyhook.core.hook.HandlerOrigin;
import io.polyhook.core.hook.HandlerStats;
import io.polyhook.core.hook.HookStatistics;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;

/**
 * Meters over {@link HookStatistics}: handler owners come and go (scripts are loaded and
 * unloaded at run time), so the set of meters is brought up to date on each scrape rather than
 * fixed at start. The counters themselves are the statistics' own, never reset on read.
 */
final class HookMeters {

    private record Key(HandlerOrigin origin, String hook) {
    }

    private final HookStatistics statistics;
    private final MeterRegistry registry;
    private final Map<Key, AtomicReference<HandlerStats.Snapshot>> latest = new HashMap<>();
    private final Map<Key, List<Meter>> meters = new HashMap<>();

    HookMeters(HookStatistics statistics, MeterRegistry registry) {
        this.statistics = statistics;
        this.registry = registry;
    }

    synchronized void refresh() {
        Set<Key> seen = new HashSet<>();
        for (HandlerStats.Snapshot s : statistics.snapshot()) {
            Key key = new Key(s.origin(), s.hook());
            seen.add(key);
            AtomicReference<HandlerStats.Snapshot> ref = latest.get(key);
            if (ref == null) {
                ref = new AtomicReference<>(s);
                latest.put(key, ref);
                meters.put(key, register(key, ref));
            } else {
                ref.set(s);
            }
        }
        // An unloaded script's counters are forgotten by the statistics; its meters go too.
        latest.keySet().removeIf(key -> {
            if (seen.contains(key)) {
                return false;
            }
            meters.remove(key).forEach(registry::remove);
            return true;
        });
    }

    private List<Meter> register(Key key, AtomicReference<HandlerStats.Snapshot> ref) {
        Tags tags = Tags.of("kind", key.origin().kind().name().toLowerCase(Locale.ROOT),
                "origin", key.origin().name(), "hook", key.hook());
        return List.of(
                counter("polyhook.hook.calls", "handler calls, including failed and timed-out ones", tags, ref,
                        HandlerStats.Snapshot::calls),
                counter("polyhook.hook.errors", "handler calls that threw or returned invalid modifiers", tags, ref,
                        HandlerStats.Snapshot::errors),
                counter("polyhook.hook.timeouts", "handler calls that missed their deadline", tags, ref,
                        HandlerStats.Snapshot::timeouts),
                counter("polyhook.hook.failed.closed", "requests denied because this handler failed or timed out"
                        + " and no later handler allowed", tags, ref, HandlerStats.Snapshot::failedClosed),
                latency("mean", tags, ref, HandlerStats.Snapshot::meanMicros),
                latency("p50", tags, ref, HandlerStats.Snapshot::p50Micros),
                latency("p99", tags, ref, HandlerStats.Snapshot::p99Micros));
    }

    private Meter counter(String name, String description, Tags tags, AtomicReference<HandlerStats.Snapshot> ref,
                          ToDoubleFunction<HandlerStats.Snapshot> value) {
        return FunctionCounter.builder(name, ref, r -> value.applyAsDouble(r.get()))
                .description(description).tags(tags).register(registry);
    }

    private Meter latency(String stat, Tags tags, AtomicReference<HandlerStats.Snapshot> ref,
                          ToDoubleFunction<HandlerStats.Snapshot> micros) {
        return Gauge.builder("polyhook.hook.latency", ref, r -> micros.applyAsDouble(r.get()) / 1_000_000.0)
                .description("handler call latency").baseUnit("seconds").tags(tags.and("stat", stat))
                .strongReference(true).register(registry);
    }
}
