package io.polyhook.engine.luaj;

import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The memory side of a state's budget: how much a state may hold ({@code max_memory}).
 *
 * <p>The JDK cannot say what a virtual thread allocated ({@code ThreadMXBean} answers -1 for
 * one, and its carrier's counter mixes every virtual thread that ran on it), so the state counts
 * for itself: each instruction and library function that allocates charges an estimate of what
 * it allocates. Charges count garbage as well as what is kept, so they only decide when to
 * measure: once a state has been charged for more than the memory still free under the cap
 * since the last measurement, the state's live data is measured ({@link LiveSize}: everything
 * its globals and the running call reach). Over the cap, the run stops; below it, a script that
 * allocates much and keeps little (building a string piece by piece) goes on. Charges carry
 * over from one call to the next, so a state that keeps growing across calls is measured too.
 *
 * <p>Between two measurements the state may grow by at most the memory that was free, and at
 * least by an eighth of the cap, so measuring costs at most a walk of the state per eighth of
 * the cap allocated. Not thread-safe, like its state.
 */
final class MemoryCap {

    private final long cap;
    private LongSupplier liveBytes = () -> 0;
    private long charged;
    private long nextMeasure;
    private long lastLive;

    MemoryCap(long cap) {
        this.cap = cap;
        this.nextMeasure = cap;
    }

    /** Sets how the state's live data is measured. */
    void measureWith(LongSupplier value) {
        liveBytes = value;
    }

    long cap() {
        return cap;
    }

    /** What the last measurement found, in bytes (0 before the first). */
    long lastLive() {
        return lastLive;
    }

    /**
     * Charges an allocation of about {@code bytes} about to be made.
     *
     * @return why the run must stop, naming the key, or null to go on
     */
    String charge(long bytes) {
        charged += bytes;
        if (charged - nextMeasure <= 0 && bytes <= cap) {
            return null;
        }
        return measure(bytes);
    }

    private String measure(long pending) {
        long live = liveBytes.getAsLong();
        lastLive = live;
        if (pending > cap || live + pending > cap) {
            return "out of memory: the state would hold about " + mib(live + pending) + ", more than "
                    + mib(cap) + " (" + LuaSettings.KEY_PREFIX + "max_memory)";
        }
        nextMeasure = charged + Math.max(cap - live - pending, cap / 8);
        return null;
    }

    private static String mib(long bytes) {
        return bytes >= 10L << 20 ? (bytes >> 20) + " MiB" : String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
