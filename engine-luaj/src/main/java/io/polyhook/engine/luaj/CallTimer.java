package io.polyhook.engine.luaj;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * The time side of a state's budget: the deadline of what the state runs (a hook call or the
 * file's top-level code), the interrupt the dispatcher sends at a hook's deadline, and the
 * carrier thread the call runs on.
 *
 * <p>Lua code and library loops count steps; every so many steps the budget asks
 * {@link #check()}. How many is adapted to how long they take: an interval that took more than
 * {@value #SLOW_INTERVAL_NANOS} ns shrinks to an eighth (down to one step), one that took less
 * than {@value #FAST_INTERVAL_NANOS} ns doubles (up to {@value #MAX_INTERVAL}). So a step that is
 * expensive (comparing two long strings, looking a key up in a table flooded with colliding
 * keys) is checked after each step, and a cheap one costs a clock read every few thousand.
 *
 * <p>A virtual thread is never preempted: a call that computes holds its carrier until it
 * blocks. A run on a virtual thread that has computed for {@value #SLICE_NANOS} ns therefore
 * needs a permit of the {@link CarrierQuota} to go on, and queues for it again after every
 * further slice, so that runs spinning until their deadline share all carriers but one, and the
 * other hook calls and the admin API always find a carrier.
 *
 * <p>The deadline starts at the first check, not when the run starts: a call that ends before
 * its first check (most hook calls) never reads the clock. Not thread-safe, like its state.
 */
final class CallTimer {

    /** What the state runs, which decides the deadline that applies. */
    enum Phase {
        /** Nothing: no deadline (library functions used outside a run, such as string methods in Java). */
        IDLE,
        /** The file's top-level code, at load: {@code load_timeout}. */
        LOADING,
        /** A hook call: the hook deadline, and the dispatcher's interrupt. */
        CALLING
    }

    static final int FIRST_INTERVAL = 256;
    static final int MAX_INTERVAL = 4096;
    static final long SLOW_INTERVAL_NANOS = 2_000_000;
    static final long FAST_INTERVAL_NANOS = 500_000;
    static final long SLICE_NANOS = 10_000_000;

    private final Duration loadLimit;
    private final Duration callLimit;
    private final boolean enforce;
    private Phase phase = Phase.IDLE;
    private boolean started;
    private long deadline;
    private long lastCheck;
    private long sliceStart;
    private int interval = MAX_INTERVAL;
    private boolean holdsPermit;

    /**
     * @param loadLimit how long top-level code may run ({@code load_timeout})
     * @param callLimit how long a hook call may run ({@code scripts.hook_timeout}); the dispatcher
     *                  interrupts a call at its deadline, so this is a backstop, enforced a little
     *                  later ({@link #grace}) so that the dispatcher's timeout, not an error, decides
     *                  the call
     * @param enforce   false when {@code limit_execution} is off: no deadline, only yields
     */
    CallTimer(Duration loadLimit, Duration callLimit, boolean enforce) {
        this.loadLimit = loadLimit;
        this.callLimit = callLimit;
        this.enforce = enforce;
    }

    /** Starts a run: the deadline starts at its first check. */
    void start(Phase value) {
        phase = value;
        started = false;
        interval = FIRST_INTERVAL;
    }

    /** Ends the run. */
    void stop() {
        phase = Phase.IDLE;
        releasePermit();
    }

    /** Gives the {@link CarrierQuota} permit back, if the run holds one. */
    void releasePermit() {
        if (holdsPermit) {
            holdsPermit = false;
            CarrierQuota.release();
        }
    }

    Phase phase() {
        return phase;
    }

    /** The steps until the next check. */
    int interval() {
        return interval;
    }

    /**
     * Looks at the clock, the interrupt flag and the carrier; adapts {@link #interval()}.
     *
     * @return why the run must stop, naming the key that allows more, or null to go on
     */
    String check() {
        if (phase == Phase.IDLE) {
            interval = MAX_INTERVAL;
            return null;
        }
        long now = System.nanoTime();
        if (!started) {
            started = true;
            deadline = now + (phase == Phase.LOADING ? loadLimit.toNanos() : callLimit.toNanos() + grace(callLimit));
            sliceStart = now;
        } else {
            long took = now - lastCheck;
            interval = took > SLOW_INTERVAL_NANOS ? Math.max(1, interval >> 3)
                    : took < FAST_INTERVAL_NANOS ? Math.min(MAX_INTERVAL, interval << 1) : interval;
        }
        lastCheck = now;
        Thread thread = Thread.currentThread();
        if (enforce) {
            if (phase == Phase.CALLING && thread.isInterrupted()) {
                return interrupted();
            }
            if (now - deadline > 0) {
                return pastDeadline();
            }
        }
        if (now - sliceStart > SLICE_NANOS && thread.isVirtual()) {
            return nextSlice(now);
        }
        return null;
    }

    // Gives the carrier back to the queue of long runs, and waits for a turn (at most until the deadline).
    private String nextSlice(long now) {
        if (holdsPermit) {
            releasePermit();
            if (CarrierQuota.single()) {
                LockSupport.parkNanos(1);
            }
        }
        try {
            if (!CarrierQuota.acquire(enforce ? deadline - now : Long.MAX_VALUE)) {
                return pastDeadline();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return interrupted();
        }
        holdsPermit = true;
        sliceStart = System.nanoTime();
        lastCheck = sliceStart;
        return null;
    }

    /** How long after its deadline the engine stops a hook call that the dispatcher did not interrupt. */
    static long grace(Duration callLimit) {
        return Math.max(250_000_000L, callLimit.toNanos() / 5);
    }

    private String interrupted() {
        return "interrupted at the hook's deadline (scripts.hook_timeout)";
    }

    private String pastDeadline() {
        return phase == Phase.LOADING
                ? "top-level code ran longer than " + shown(loadLimit) + " (" + LuaSettings.KEY_PREFIX + "load_timeout)"
                : "the call ran past its deadline of " + shown(callLimit) + " (scripts.hook_timeout)";
    }

    static String shown(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }
}
