package io.polyhook.broker.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.polyhook.core.hook.HandlerOrigin;
import io.polyhook.core.hook.internal.HandlerStats;
import io.polyhook.core.hook.internal.HookStatistics;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * Counters over {@link HookStatistics}: handler owners come and go (scripts are loaded and
 * unloaded at run time), so the set of meters is brought up to date on each scrape rather than
 * fixed at start. The counters themselves are the statistics' own, never reset on read. The
 * latencies are a histogram of their own ({@link HookLatencyHistograms}).
 */
final class HookMeters {

    private record Key(HandlerOrigin origin, String hook) {
    }

    private final HookStatistics statistics;
    private final MeterRegistry registry;
    private final Supplier<Map<String, String>> scriptLabels;
    private final Map<Key, AtomicReference<HandlerStats.Snapshot>> latest = new HashMap<>();
    private final Map<Key, List<Meter>> meters = new HashMap<>();

    HookMeters(HookStatistics statistics, MeterRegistry registry, Supplier<Map<String, String>> scriptLabels) {
        this.statistics = statistics;
        this.registry = registry;
        this.scriptLabels = scriptLabels;
    }

    synchronized void refresh() {
        Set<Key> seen = new HashSet<>();
        Map<String, String> labels = null;
        for (HandlerStats.Snapshot s : statistics.snapshot()) {
            Key key = new Key(s.origin(), s.hook());
            seen.add(key);
            AtomicReference<HandlerStats.Snapshot> ref = latest.get(key);
            if (ref == null) {
                ref = new AtomicReference<>(s);
                latest.put(key, ref);
                if (labels == null) {
                    labels = scriptLabels.get();
                }
                meters.put(key, register(key, OriginLabels.of(key.origin(), labels), ref));
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

    private List<Meter> register(Key key, String origin, AtomicReference<HandlerStats.Snapshot> ref) {
        Tags tags = Tags.of("kind", key.origin().kind().name().toLowerCase(Locale.ROOT), "origin", origin, "hook", key.hook());
        return List.of(
                counter("polyhook.hook.calls", "handler calls, including failed and timed-out ones", tags, ref,
                        HandlerStats.Snapshot::calls),
                counter("polyhook.hook.errors", "handler calls that threw or returned invalid modifiers", tags, ref,
                        HandlerStats.Snapshot::errors),
                counter("polyhook.hook.timeouts", "handler calls that missed their deadline", tags, ref,
                        HandlerStats.Snapshot::timeouts),
                counter("polyhook.hook.failed.closed", "requests denied because this handler failed or timed out"
                        + " and no later handler allowed", tags, ref, HandlerStats.Snapshot::failedClosed));
    }

    private Meter counter(String name, String description, Tags tags, AtomicReference<HandlerStats.Snapshot> ref,
                          ToDoubleFunction<HandlerStats.Snapshot> value) {
        return FunctionCounter.builder(name, ref, r -> value.applyAsDouble(r.get()))
                .description(description).tags(tags).register(registry);
    }
}
