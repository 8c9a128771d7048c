package io.polyhook.core.hook.internal;

import io.polyhook.core.hook.Ticker;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs calls one at a time in submission order on a virtual thread that exists only while there
 * is work. A handler call that misses its deadline is taken away from its thread by the
 * dispatcher's watchdog: the stuck thread is interrupted and abandoned, and a fresh thread
 * continues the lane, so one hung handler cannot stall a client forever.
 */
final class SerialLane {

    /** The handler call in progress; owned by whoever clears it first (the runner or the watchdog). */
    record InFlight(HookCall call, int index, long deadline, Thread thread) {
    }

    private final HookDispatcher dispatcher;
    private final ClientLane lane;
    private final Queue<HookCall> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicReference<InFlight> inFlight = new AtomicReference<>();

    SerialLane(HookDispatcher dispatcher, ClientLane lane) {
        this.dispatcher = dispatcher;
        this.lane = lane;
    }

    ClientLane lane() {
        return lane;
    }

    boolean isIdle() {
        return !running.get() && queue.isEmpty();
    }

    void submit(HookCall call) {
        queue.offer(call);
        wake();
    }

    /** Queues {@code call} without starting the lane; a running lane still takes it in turn. */
    void enqueue(HookCall call) {
        queue.offer(call);
    }

    /** Starts a thread for the queued calls unless one is running. */
    void wake() {
        if (!queue.isEmpty() && running.compareAndSet(false, true)) {
            dispatcher.activate(this);
            dispatcher.startThread(() -> drain(null, -1));
        }
    }

    /**
     * Drains the queue. When started after a timeout, first settles the timed-out call (its
     * fallback may continue it with the next handler).
     */
    private void drain(HookCall timedOut, int timedOutIndex) {
        if (timedOut != null) {
            int from = timedOut.onTimeout(timedOutIndex);
            if (from >= 0 && !execute(timedOut, from)) {
                return;
            }
        }
        for (;;) {
            HookCall call = queue.poll();
            if (call == null) {
                dispatcher.deactivate(this);
                running.set(false);
                // A submit may have enqueued after our poll but seen running == true.
                if (queue.isEmpty() || !running.compareAndSet(false, true)) {
                    return;
                }
                dispatcher.activate(this);
                continue;
            }
            if (!execute(call, 0)) {
                return;
            }
        }
    }

    /** Runs the handlers of {@code call} from {@code from}; false if the watchdog took the lane over. */
    private boolean execute(HookCall call, int from) {
        Ticker ticker = dispatcher.ticker();
        HandlerEntry[] handlers = call.handlers;
        long deadline = dispatcher.settings().deadlineNanos(call.hook);
        for (int i = from; i < handlers.length; i++) {
            HandlerEntry entry = handlers[i];
            long start = ticker.read();
            InFlight mine = new InFlight(call, i, start + deadline, Thread.currentThread());
            inFlight.set(mine);
            Object result = null;
            Throwable failure = null;
            try {
                result = call.invoke(entry);
            } catch (Throwable t) {
                failure = t;
            }
            if (!inFlight.compareAndSet(mine, null)) {
                return false;
            }
            Thread.interrupted();
            entry.stats.recordCall(ticker.read() - start);
            if (call.onResult(entry, result, failure)) {
                return true;
            }
        }
        call.onExhausted();
        return true;
    }

    /** Called by the watchdog: takes over a call that missed its deadline. */
    void checkDeadline(long now) {
        InFlight current = inFlight.get();
        if (current == null || now - current.deadline() < 0 || !inFlight.compareAndSet(current, null)) {
            return;
        }
        HandlerEntry entry = current.call().handlers[current.index()];
        entry.stats.recordTimeout();
        dispatcher.logTimeout(current.call(), entry, lane);
        current.thread().interrupt();
        dispatcher.startThread(() -> drain(current.call(), current.index()));
    }
}
