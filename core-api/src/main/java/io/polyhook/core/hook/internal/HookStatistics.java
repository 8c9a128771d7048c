package io.polyhook.core.hook.internal;

import io.polyhook.core.hook.HandlerOrigin;
import io.polyhook.spi.Hook;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/** The {@link HandlerStats} of every origin and hook point, readable by the broker's admin API. */
public final class HookStatistics {

    private record Key(HandlerOrigin origin, String hook) {
    }

    private final ConcurrentHashMap<Key, HandlerStats> stats = new ConcurrentHashMap<>();

    HandlerStats forHandler(HandlerOrigin origin, Hook<?> hook) {
        return stats.computeIfAbsent(new Key(origin, hook.name()), k -> new HandlerStats(k.origin(), k.hook()));
    }

    /** Forgets the counters of an origin, e.g. a script that was unloaded. */
    public void forget(HandlerOrigin origin) {
        stats.keySet().removeIf(k -> k.origin().equals(origin));
    }

    /** Snapshots of every origin and hook point, ordered by origin name, then hook name. */
    public List<HandlerStats.Snapshot> snapshot() {
        List<HandlerStats.Snapshot> out = new ArrayList<>();
        for (HandlerStats s : stats.values()) {
            out.add(s.snapshot());
        }
        out.sort(Comparator.comparing((HandlerStats.Snapshot s) -> s.origin().name()).thenComparing(HandlerStats.Snapshot::hook));
        return out;
    }

    /** Snapshots of one origin, ordered by hook name. */
    public List<HandlerStats.Snapshot> snapshot(HandlerOrigin origin) {
        return snapshot().stream().filter(s -> s.origin().equals(origin)).toList();
    }
}
