package io.polyhook.engine.graaljs;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Heap bytes allocated by the thread that runs a JavaScript call, for the per-call memory cap
 * ({@link Watchdog}), from {@link com.sun.management.ThreadMXBean#getThreadAllocatedBytes(long)}.
 *
 * <p>That counter exists for platform threads only: on JDK 21–25 it is -1 for a virtual thread,
 * and hook calls run on virtual threads. A virtual thread that runs JavaScript without blocking
 * stays mounted on one carrier (a platform thread), and its allocations are counted in the
 * carrier's counter. So for a virtual thread the sample is its carrier's, found by the name that
 * {@link Thread#toString()} of a mounted virtual thread ends with ({@code ...@ForkJoinPool-1-worker-2}).
 * The watchdog adds up the growth only between two samples on the same carrier, so a call that
 * parked (a provider waiting for its database) and came back on another carrier loses that
 * interval instead of being charged for someone else's; a call that parked and came back on the
 * same carrier within one tick may be charged for what ran there meanwhile, at most a tick's worth.
 */
final class Allocations {

    private static final com.sun.management.ThreadMXBean THREADS = threads();
    private static final Map<String, Long> CARRIERS = new ConcurrentHashMap<>();

    private Allocations() {
    }

    private static com.sun.management.ThreadMXBean threads() {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
                && t.isThreadAllocatedMemorySupported()) {
            if (!t.isThreadAllocatedMemoryEnabled()) {
                t.setThreadAllocatedMemoryEnabled(true);
            }
            return t;
        }
        return null;
    }

    /** Whether this JVM counts allocation per thread (HotSpot does). */
    static boolean supported() {
        return THREADS != null;
    }

    /**
     * {@code {id of the counting thread, bytes it allocated so far}} for {@code thread}, or null when
     * there is nothing to read (an unmounted virtual thread, no support).
     */
    static long[] sample(Thread thread) {
        if (THREADS == null) {
            return null;
        }
        long id = thread.isVirtual() ? carrierOf(thread) : thread.threadId();
        if (id < 0) {
            return null;
        }
        long bytes = THREADS.getThreadAllocatedBytes(id);
        if (bytes < 0) {
            // A carrier that ended: its name may come back on a new thread.
            CARRIERS.values().remove(id);
            return null;
        }
        return new long[] {id, bytes};
    }

    private static long carrierOf(Thread virtual) {
        String s = virtual.toString();
        int at = s.lastIndexOf('@');
        if (at < 0) {
            return -1;
        }
        String name = s.substring(at + 1);
        Long id = CARRIERS.get(name);
        if (id == null) {
            id = -1L;
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (!t.isVirtual() && t.getName().equals(name)) {
                    id = t.threadId();
                    CARRIERS.put(name, id);
                    break;
                }
            }
        }
        return id;
    }
}
