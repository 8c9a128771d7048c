package io.polyhook.engine.graaljs;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The contexts of one script. A call borrows an idle context and gives it back; contexts are
 * handed out in FIFO order, so calls rotate over them (vmq_diversity's round robin). A caller
 * waits a bounded time for a context and then fails, so a saturated script cannot hold a client
 * forever.
 */
final class JsStatePool {

    private final String script;
    private final List<JsState> states;
    private final ArrayBlockingQueue<JsState> idle;
    private final long waitNanos;

    JsStatePool(String script, List<JsState> states, Duration wait) {
        this.script = script;
        this.states = List.copyOf(states);
        this.idle = new ArrayBlockingQueue<>(states.size(), false, states);
        this.waitNanos = wait.toNanos();
    }

    int size() {
        return states.size();
    }

    List<JsState> all() {
        return states;
    }

    /**
     * An idle context, waiting for one at most the configured time.
     *
     * @throws ScriptCallException if none became free in time, or the caller was interrupted
     */
    JsState borrow() throws ScriptCallException {
        JsState state = idle.poll();
        if (state != null) {
            return state;
        }
        try {
            state = idle.poll(waitNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ScriptCallException(script + ": interrupted while waiting for a free JavaScript context");
        }
        if (state == null) {
            throw new ScriptCallException(script + ": no free JavaScript context within "
                    + TimeUnit.NANOSECONDS.toMillis(waitNanos) + " ms (all " + states.size() + " busy)");
        }
        return state;
    }

    void release(JsState state) {
        idle.offer(state);
    }
}
