package io.polyhook.core.hook.internal;

import io.polyhook.core.hook.Ticker;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs calls one at a time in submission order on a virtual thread that exists only while there
 * is work, or shortly after. A handler call that misses its deadline is taken away from its
 * thread by the dispatcher's watchdog: the stuck thread is interrupted and abandoned, and a fresh
 * thread continues the lane, so one hung handler cannot stall a client forever.
 *
 * <p>Once the queue is drained the thread <em>lingers</em>: it parks (unmounted, no carrier
 * held) until the next call of this client wakes it, or until the watchdog has completed
 * {@link DispatchSettings#lingerRounds()} further rounds, when it ends. A client that publishes
 * in bursts (every socket read of an active publisher) so reuses one thread: no virtual thread is
 * started per burst, and a script engine does not meet a new thread each time (GraalJS prepares
 * every thread that enters a context). The bound is the watchdog's: an idle lane holds its
 * parked thread for at most {@code lingerRounds + 1} watchdog intervals, and the lingering costs
 * no timer of its own (the watchdog's round, which runs anyway, ends it).
 */
final class SerialLane {

    /** Whether the lane has a thread and what that thread does; see {@link SerialLane}. */
    enum State {
        /** No thread: the next {@link #wake} starts one. */
        IDLE,
        /** A thread drains the queue; calls submitted now are taken in turn. */
        RUNNING,
        /** The queue was empty; the thread is parked, waiting for a call or for its end. */
        LINGERING
    }

    /** The handler call in progress; owned by whoever clears it first (the runner or the watchdog). */
    record InFlight(HookCall call, int index, long deadline, Thread thread) {
    }

    private final HookDispatcher dispatcher;
    private final ClientLane lane;
    private final Queue<HookCall> queue = new ConcurrentLinkedQueue<>();
    // Only the lingering thread moves LINGERING -> IDLE (then ends); only a submitter moves
    // LINGERING -> RUNNING (then unparks it): a lingering thread that wakes up in RUNNING was
    // handed work, whoever else runs.
    private final AtomicReference<State> state = new AtomicReference<>(State.IDLE);
    private final AtomicReference<InFlight> inFlight = new AtomicReference<>();
    // Written by the lane's thread before it moves to LINGERING, read by whoever sees LINGERING.
    private volatile Thread lingerer;
    // The watchdog round in which the thread started lingering.
    private volatile long lingerSince;

    SerialLane(HookDispatcher dispatcher, ClientLane lane) {
        this.dispatcher = dispatcher;
        this.lane = lane;
    }

    ClientLane lane() {
        return lane;
    }

    /** No call queued or running (a lingering thread may still be parked). */
    boolean isIdle() {
        return state.get() != State.RUNNING && queue.isEmpty();
    }

    /** What the lane's thread does now. */
    State state() {
        return state.get();
    }

    void submit(HookCall call) {
        queue.offer(call);
        wake();
    }

    /** Queues {@code call} without starting the lane; a running lane still takes it in turn. */
    void enqueue(HookCall call) {
        queue.offer(call);
    }

    /** Hands the queued calls to the lingering thread, or starts a thread, unless one is running. */
    void wake() {
        if (queue.isEmpty()) {
            return;
        }
        for (;;) {
            switch (state.get()) {
                case RUNNING -> {
                    return;
                }
                case LINGERING -> {
                    Thread parked = lingerer;
                    if (state.compareAndSet(State.LINGERING, State.RUNNING)) {
                        LockSupport.unpark(parked);
                        return;
                    }
                }
                case IDLE -> {
                    if (state.compareAndSet(State.IDLE, State.RUNNING)) {
                        dispatcher.activate(this);
                        dispatcher.startThread(() -> drain(null, -1));
                        return;
                    }
                }
            }
        }
    }

    /**
     * Drains the queue, lingering between bursts. When started after a timeout, first settles
     * the timed-out call (its fallback may continue it with the next handler).
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
                if (!awaitWork()) {
                    return;
                }
                continue;
            }
            if (!execute(call, 0)) {
                return;
            }
        }
    }

    /**
     * The queue is empty: parks until a submitter hands this thread more work (true) or until
     * the watchdog tells it that it has lingered long enough and the lane is released (false:
     * the thread ends, the lane is {@link State#IDLE}).
     */
    private boolean awaitWork() {
        int rounds = dispatcher.settings().lingerRounds();
        if (rounds > 0) {
            lingerer = Thread.currentThread();
            lingerSince = dispatcher.rounds();
            state.set(State.LINGERING);
            // Also ends at once for a call queued before the state was set (by a submitter that
            // saw RUNNING, or by enqueue, which never wakes).
            while (queue.isEmpty() && state.get() == State.LINGERING && !dispatcher.isClosed()
                    && dispatcher.rounds() - lingerSince <= rounds) {
                // An interrupt would make park return at once. Only the watchdog interrupts, and
                // only a thread with a handler call in flight, which this one has not: a stray one.
                Thread.interrupted();
                LockSupport.park(this);
            }
            // RUNNING from here on, whether a submitter moved it (and handed over its call) or this thread does.
            state.compareAndSet(State.LINGERING, State.RUNNING);
            if (!queue.isEmpty()) {
                return true;
            }
        }
        dispatcher.deactivate(this);
        state.set(State.IDLE);
        // A submit may have enqueued after our last look but seen RUNNING.
        if (queue.isEmpty() || !state.compareAndSet(State.IDLE, State.RUNNING)) {
            return false;
        }
        dispatcher.activate(this);
        return true;
    }

    /** Runs the handlers of {@code call} from {@code from}; false if the watchdog took the lane over. */
    private boolean execute(HookCall call, int from) {
        Ticker ticker = dispatcher.ticker();
        HandlerEntry[] handlers = call.handlers;
        long deadline = dispatcher.settings().deadlineNanos(call.hook);
        // One clock read per handler and one more: a handler's end is the next one's start.
        long start = ticker.read();
        for (int i = from; i < handlers.length; i++) {
            HandlerEntry entry = handlers[i];
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
            long end = ticker.read();
            entry.stats.recordCall(end - start);
            start = end;
            if (call.onResult(entry, result, failure)) {
                return true;
            }
        }
        call.onExhausted();
        return true;
    }

    /** The dispatcher closed: a lingering thread ends now. */
    void onClose() {
        if (state.get() == State.LINGERING) {
            LockSupport.unpark(lingerer);
        }
    }

    /**
     * Called by the watchdog each round: takes over a call that missed its deadline, and wakes
     * a thread that has lingered for its rounds so that it ends.
     */
    void onWatchdogRound(long now, long round) {
        if (state.get() == State.LINGERING) {
            if (round - lingerSince > dispatcher.settings().lingerRounds()) {
                LockSupport.unpark(lingerer);
            }
            return;
        }
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
