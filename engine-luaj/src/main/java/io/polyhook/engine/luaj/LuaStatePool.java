package io.polyhook.engine.luaj;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The states of one script. A call borrows an idle state and gives it back; states are handed
 * out in FIFO order, so calls rotate over them (vmq_diversity's round robin). A caller waits a
 * bounded time for a state and then fails, so a saturated script cannot hold a client forever.
 */
final class LuaStatePool {

    private final String script;
    private final List<LuaState> states;
    private final ArrayBlockingQueue<LuaState> idle;
    private final long waitNanos;

    LuaStatePool(String script, List<LuaState> states, Duration wait) {
        this.script = script;
        this.states = List.copyOf(states);
        this.idle = new ArrayBlockingQueue<>(states.size(), false, states);
        this.waitNanos = wait.toNanos();
    }

    /** How many states there are. */
    int size() {
        return states.size();
    }

    /**
     * An idle state, waiting for one at most the configured time.
     *
     * @throws ScriptCallException if none became free in time, or the caller was interrupted
     */
    LuaState borrow() throws ScriptCallException {
        LuaState state = idle.poll();
        if (state != null) {
            return state;
        }
        try {
            state = idle.poll(waitNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ScriptCallException(script + ": interrupted while waiting for a free Lua state");
        }
        if (state == null) {
            throw new ScriptCallException(script + ": no free Lua state within " + TimeUnit.NANOSECONDS.toMillis(waitNanos)
                    + " ms (all " + states.size() + " busy)");
        }
        return state;
    }

    /** Gives a borrowed state back. */
    void release(LuaState state) {
        idle.offer(state);
    }
}
