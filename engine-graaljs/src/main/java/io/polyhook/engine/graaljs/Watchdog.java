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
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Makes running JavaScript honour {@link Thread#interrupt()}: the dispatcher interrupts a call
 * that missed its deadline, but guest code never looks at the interrupt flag. Every call in
 * progress is registered here; a daemon thread looks at them every {@value #TICK_MS} ms and
 * interrupts the context of a call whose thread was interrupted ({@link Context#interrupt}, which
 * stops the guest code with an exception and leaves the context usable). The interrupt itself runs
 * on a virtual thread, since it waits for the guest code to stop.
 */
final class Watchdog {

    static final long TICK_MS = 25;

    private static final Logger LOG = LoggerFactory.getLogger(Watchdog.class);
    private static final Set<Call> RUNNING = ConcurrentHashMap.newKeySet();
    private static volatile ScheduledExecutorService timer;

    /** One call in progress. */
    static final class Call {
        final Context context;
        final Thread thread;
        final String script;
        final AtomicBoolean interrupting = new AtomicBoolean();
        volatile boolean done;

        Call(Context context, Thread thread, String script) {
            this.context = context;
            this.thread = thread;
            this.script = script;
        }
    }

    private Watchdog() {
    }

    /** Registers a call that is about to run guest code in {@code context} on this thread. */
    static Call start(Context context, String script) {
        ensureTimer();
        Call call = new Call(context, Thread.currentThread(), script);
        RUNNING.add(call);
        return call;
    }

    /** The call returned. */
    static void end(Call call) {
        if (call != null) {
            call.done = true;
            RUNNING.remove(call);
        }
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
        for (Call call : RUNNING) {
            if (call.thread.isInterrupted() && !call.done && call.interrupting.compareAndSet(false, true)) {
                Thread.ofVirtual().name("polyhook-graaljs-interrupt").start(() -> interrupt(call));
            }
        }
    }

    private static void interrupt(Call call) {
        try {
            if (!call.done) {
                call.context.interrupt(Duration.ofSeconds(5));
            }
        } catch (TimeoutException e) {
            LOG.warn("{}: an interrupted call did not stop within 5 s (blocked in a provider?)", call.script);
        } catch (RuntimeException e) {
            // The context was closed meanwhile, or the call ended: nothing left to stop.
            LOG.debug("{}: interrupt failed", call.script, e);
        }
    }
}
