package io.polyhook.broker.connection;

import io.netty.channel.ChannelHandlerContext;
import io.polyhook.broker.routing.Message;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A connection that took over a live one of its session waits for that connection's hand-over:
 * the in-flight messages it leaves keep their packet ids and go out first. Until they come
 * nothing new goes out (a new message would take a packet id the client may still hold for one
 * of them, and would overtake them): what is routed here meanwhile is held, in order and bounded
 * as the outgoing queue is, and a connection that never hands over holds this one up for a
 * bounded time only. Event loop only, but for the timer, which follows the connection to
 * another loop.
 */
final class HandoverWait {

    /** Where the connection stands with the hand-over of the one it took over. */
    enum State {
        /** Nothing to wait for. */
        NONE,
        /** A live connection was taken over: its in-flight messages are on their way. */
        AWAITED,
        /** They arrived (possibly before anyone waited for them), or the wait ran out. */
        DONE
    }

    private final ChannelHandlerContext ctx;
    private final int maxHeld;
    private State state = State.NONE;
    // While AWAITED: the deliveries routed here meanwhile, oldest first.
    private ArrayDeque<Message> held;
    // While AWAITED: runs the overdue action once the wait ran out.
    private ScheduledFuture<?> timer;
    private Runnable overdue;

    /** @param maxHeld deliveries held at most; beyond it the oldest goes */
    HandoverWait(ChannelHandlerContext ctx, int maxHeld) {
        this.ctx = ctx;
        this.maxHeld = Math.max(1, maxHeld);
    }

    State state() {
        return state;
    }

    /** Whether nothing new may go out yet. */
    boolean awaited() {
        return state == State.AWAITED;
    }

    /**
     * Waits for the hand-over (unless it came already): if it has not come within
     * {@code maxWaitMillis}, {@code overdue} runs on the connection's event loop.
     */
    void await(long maxWaitMillis, Runnable overdue) {
        if (state != State.NONE) {
            return;
        }
        state = State.AWAITED;
        held = new ArrayDeque<>();
        this.overdue = overdue;
        timer = ctx.executor().schedule(this::runOut, maxWaitMillis, TimeUnit.MILLISECONDS);
    }

    private void runOut() {
        if (!ctx.executor().inEventLoop()) {
            // The channel moved to another event loop meanwhile.
            ctx.executor().execute(this::runOut);
            return;
        }
        Runnable action = overdue;
        if (state == State.AWAITED && action != null) {
            // Not cancelled meanwhile (a hand-over or a close stops the timer and clears the action).
            timer = null;
            overdue = null;
            action.run();
        }
    }

    /**
     * Holds {@code m} until the hand-over; returns the oldest held delivery if it had to go to
     * make room (the caller counts it as dropped), else null.
     */
    Message hold(Message m) {
        Message dropped = held.size() >= maxHeld ? held.pollFirst() : null;
        held.addLast(m);
        return dropped;
    }

    /**
     * The hand-over came (or the wait ran out): the timer stops and what was held meanwhile is
     * returned, oldest first, to go out after what was handed over.
     */
    Collection<Message> arrived() {
        Collection<Message> out = held == null ? List.of() : held;
        state = State.DONE;
        held = null;
        stopTimer();
        return out;
    }

    /** The connection is leaving: what is held goes to {@code into} for the session to keep; the timer stops. */
    void takeHeld(List<Message> into) {
        if (held != null) {
            into.addAll(held);
            held.clear();
        }
        stopTimer();
    }

    /** The connection is gone: the timer stops. */
    void close() {
        stopTimer();
    }

    private void stopTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        overdue = null;
    }
}
