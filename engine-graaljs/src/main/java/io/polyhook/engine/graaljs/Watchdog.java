package io.polyhook.engine.graaljs;

import org.graalvm.polyglot.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Stops JavaScript calls that run past their deadline or allocate past their memory cap. Guest
 * code never looks at {@link Thread#interrupt()}, which is how the dispatcher tells a call that it
 * missed its deadline; and GraalJS community has no heap limit. So every context has a
 * {@link Slot} here, filled while a call runs in it, and a daemon thread looks at the filled ones
 * every {@value #TICK_MS} ms:
 *
 * <ul>
 *   <li>the call's thread was interrupted: {@link Context#interrupt} (the guest code stops with an
 *       exception; the context stays usable);</li>
 *   <li>the call allocated more than the cap ({@link Allocations}): {@link Context#close(boolean)
 *       close(true)}, which cancels it and frees whatever the context holds; the state rebuilds
 *       its context before its next call.</li>
 * </ul>
 *
 * Both act on a virtual thread, since they wait for the guest code to reach a safepoint. A call
 * costs two volatile writes here, nothing allocated.
 */
final class Watchdog {

    static final long TICK_MS = 25;

    private static final Logger LOG = LoggerFactory.getLogger(Watchdog.class);
    private static final Set<Slot> SLOTS = ConcurrentHashMap.newKeySet();
    private static volatile ScheduledExecutorService timer;

    /** Why the watchdog stopped a call. */
    enum Stop {
        NONE, DEADLINE, MEMORY
    }

    /** The watch over one context; its calls run one at a time. */
    static final class Slot {
        private final String script;
        private final long memoryCap;
        private volatile Context context;
        private volatile Thread thread;
        private final AtomicReference<Stop> stop = new AtomicReference<>(Stop.NONE);
        // Counts calls (and file runs), so the watchdog can tell a new call from the one it sampled.
        private volatile long calls;
        // Allocation sampling, touched by the watchdog thread only.
        private long sampledCall = -1;
        private long carrier = -1;
        private long lastBytes;
        private long allocated;

        private Slot(String script, long memoryCap) {
            this.script = script;
            this.memoryCap = memoryCap;
        }

        /** A call is about to run guest code in {@code context} on this thread. */
        void begin(Context context) {
            stop.set(Stop.NONE);
            this.context = context;
            calls = calls + 1; // one writer: the thread that holds the state
            this.thread = Thread.currentThread();
        }

        /** The call returned (or threw). */
        void end() {
            thread = null;
        }

        /** Why the last call was stopped by the watchdog, if it was. */
        Stop stopped() {
            return stop.get();
        }

        /** The cap on what one call may allocate, in bytes; 0 for none. */
        long memoryCap() {
            return memoryCap;
        }

        /** No more calls: the context is closed. */
        void close() {
            thread = null;
            SLOTS.remove(this);
        }
    }

    private Watchdog() {
    }

    /** A slot for a new context of {@code script}; {@code memoryCap} 0 for no memory cap. */
    static Slot slot(String script, long memoryCap) {
        ensureTimer();
        Slot slot = new Slot(script, memoryCap);
        SLOTS.add(slot);
        return slot;
    }

    private static void ensureTimer() {
        if (timer == null) {
            synchronized (Watchdog.class) {
                if (timer == null) {
                    ScheduledExecutorService t = Executors.newSingleThreadScheduledExecutor(r -> {
                        Thread thread = new Thread(r, "polyhook-graaljs-watchdog");
                        thread.setDaemon(true);
                        return thread;
                    });
                    t.scheduleWithFixedDelay(Watchdog::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
                    timer = t;
                }
            }
        }
    }

    private static void tick() {
        for (Slot slot : SLOTS) {
            Thread thread = slot.thread;
            if (thread == null) {
                slot.carrier = -1;
                slot.allocated = 0;
                continue;
            }
            try {
                if (thread.isInterrupted()) {
                    stop(slot, Stop.DEADLINE);
                } else if (slot.memoryCap > 0 && overAllocated(slot, thread)) {
                    stop(slot, Stop.MEMORY);
                }
            } catch (RuntimeException e) {
                LOG.debug("{}: watchdog check failed", slot.script, e);
            }
        }
    }

    /** Adds what the call's thread (or its carrier) allocated since the last tick; true past the cap. */
    private static boolean overAllocated(Slot slot, Thread thread) {
        long call = slot.calls;
        if (call != slot.sampledCall) {
            // A call the watchdog has not sampled yet: it starts from nothing.
            slot.sampledCall = call;
            slot.carrier = -1;
            slot.allocated = 0;
        }
        long[] sample = Allocations.sample(thread);
        if (sample == null) {
            slot.carrier = -1;
            return false;
        }
        if (sample[0] == slot.carrier) {
            slot.allocated += Math.max(0, sample[1] - slot.lastBytes);
        }
        slot.carrier = sample[0];
        slot.lastBytes = sample[1];
        return slot.allocated > slot.memoryCap;
    }

    private static void stop(Slot slot, Stop why) {
        Context context = slot.context;
        long call = slot.calls;
        if (context == null || !slot.stop.compareAndSet(Stop.NONE, why)) {
            return;
        }
        Thread.ofVirtual().name("polyhook-graaljs-stop").start(() -> {
            if (slot.calls != call || slot.thread == null) {
                return; // that call ended meanwhile: nothing to stop, and the next one is not ours to stop
            }
            try {
                if (why == Stop.MEMORY) {
                    LOG.warn("{}: a call allocated more than {} MiB; its context is cancelled and rebuilt", slot.script,
                            slot.memoryCap >> 20);
                    context.close(true);
                } else {
                    context.interrupt(Duration.ofSeconds(5));
                }
            } catch (TimeoutException e) {
                LOG.warn("{}: an interrupted call did not stop within 5 s (blocked in a provider?)", slot.script);
            } catch (RuntimeException e) {
                // The context was closed meanwhile, or the call ended: nothing left to stop.
                LOG.debug("{}: stopping a call failed", slot.script, e);
            }
        });
    }
}
