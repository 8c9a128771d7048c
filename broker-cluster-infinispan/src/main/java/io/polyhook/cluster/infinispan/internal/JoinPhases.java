package io.polyhook.cluster.infinispan.internal;

import java.util.StringJoiner;

/**
 * Where a node's join went, for its log line: each {@link #mark} names the phase that just ended
 * and takes the time since the previous mark ("set-up 412 ms, view 2093 ms, caches 1310 ms,
 * state 95 ms"). Operators and benchmarks/run-cluster.sh read it to tell a slow discovery from
 * a slow state transfer or a slow (cold, loaded) JVM.
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
