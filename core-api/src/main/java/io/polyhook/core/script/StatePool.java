package io.polyhook.core.script;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The interpreter states of one script (Lua states, JavaScript contexts). A call borrows an idle
 * state and gives it back; states are handed out in FIFO order, so calls rotate over them
 * (vmq_diversity's round robin). A caller waits a bounded time for a state and then fails, so a
 * saturated script cannot hold a client forever.
 *
 * @param <S> the engine's state type
 */
public final class StatePool<S> {

    private final String script;
    private final String kind;
    private final List<S> states;
    private final ArrayBlockingQueue<S> idle;
    private final long waitNanos;

    /**
     * @param script the script's name for messages
     * @param kind   what a state is called in messages: {@code "Lua state"}, {@code "JavaScript context"}
     * @param states every state, all idle
     * @param wait   how long a call waits for a free state
     */
    public StatePool(String script, String kind, List<S> states, Duration wait) {
        this.script = script;
        this.kind = kind;
        this.states = List.copyOf(states);
        this.idle = new ArrayBlockingQueue<>(this.states.size(), false, this.states);
        this.waitNanos = wait.toNanos();
    }

    /** How many states there are. */
    public int size() {
        return states.size();
    }

    /** Every state, busy or not. */
    public List<S> all() {
        return states;
    }

    /**
     * An idle state, waiting for one at most the configured time.
     *
     * @throws ScriptCallException if none became free in time, or the caller was interrupted
     */
    public S borrow() throws ScriptCallException {
        S state = idle.poll();
        if (state != null) {
            return state;
        }
        try {
            state = idle.poll(waitNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ScriptCallException(script + ": interrupted while waiting for a free " + kind);
        }
        if (state == null) {
            throw new ScriptCallException(script + ": no free " + kind + " within "
                    + TimeUnit.NANOSECONDS.toMillis(waitNanos) + " ms (all " + states.size() + " busy)");
        }
        return state;
    }

    /** Gives a borrowed state back. */
    public void release(S state) {
        idle.offer(state);
    }
}
