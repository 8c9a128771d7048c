package io.polyhook.cluster.infinispan.internal;

import java.util.StringJoiner;

/**
 * Where a node's join went, for its log line: each {@link #mark} names the phase that just ended
 * and takes the time since the previous mark ("set-up 2637 ms, engine 5213 ms, caches 35 ms,
 * state 84 ms"). Operators and benchmarks/run-cluster.sh read it to tell the engine's start (discovery,
 * JOIN, state transfer) from what a cold JVM spends before it.
 */
public final class JoinPhases {

    private final StringJoiner text = new StringJoiner(", ");
    private long last;

    /** Phases measured from {@code startNanos} ({@link System#nanoTime()}). */
    public JoinPhases(long startNanos) {
        this.last = startNanos;
    }

    /** The phase {@code name} ended now. */
    public void mark(String name) {
        long now = System.nanoTime();
        text.add(name + " " + (now - last) / 1_000_000 + " ms");
        last = now;
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
