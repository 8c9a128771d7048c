package io.polyhook.broker.connection;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many open connections each event loop serves, so that moving a connection next to its
 * publisher ({@link LoopAffinity}) never piles the clients onto a few loops: a loop takes a moved
 * connection only while it serves at most its fair share (the connections spread evenly over
 * the loops of its group). Thread-safe; used once per connection at open, close and move.
 */
final class LoopPlacement {

    private final Map<EventExecutor, AtomicInteger> open = new ConcurrentHashMap<>();

    void opened(EventExecutor loop) {
        open.computeIfAbsent(loop, l -> new AtomicInteger()).incrementAndGet();
    }

    void closed(EventExecutor loop) {
        AtomicInteger n = open.get(loop);
        if (n != null) {
            n.decrementAndGet();
        }
    }

    /**
     * Counts a connection of {@code from} as served by {@code to} if {@code to} serves at most its
     * fair share of its group's connections; whether it did.
     */
    synchronized boolean reserveMove(EventExecutor from, EventExecutor to) {
        EventExecutorGroup group = to.parent();
        if (group == null || group != from.parent()) {
            return false;
        }
        int loops = 0;
        for (EventExecutor ignored : group) {
            loops++;
        }
        int total = 0;
        for (Map.Entry<EventExecutor, AtomicInteger> e : open.entrySet()) {
            if (e.getKey().parent() == group) {
                total += e.getValue().get();
            }
        }
        int fairShare = (total + loops - 1) / loops;
        if (count(to) + 1 > fairShare + 1) {
            return false;
        }
        moved(from, to);
        return true;
    }

    /** Counts a connection of {@code from} as served by {@code to}, unconditionally (a move undone). */
    void moved(EventExecutor from, EventExecutor to) {
        closed(from);
        opened(to);
    }

    int count(EventExecutor loop) {
        AtomicInteger n = open.get(loop);
        return n == null ? 0 : n.get();
    }
}
