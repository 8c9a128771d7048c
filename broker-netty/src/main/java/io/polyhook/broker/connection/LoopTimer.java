package io.polyhook.broker.connection;

import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * A task every so many seconds on a connection's event loop, also after the connection moved to
 * another loop ({@link LoopAffinity}): a tick that finds itself on the old loop re-arms the timer
 * on the new one and does nothing there. Event loop only, but for the ticks.
 */
final class LoopTimer {

    private final ChannelHandlerContext ctx;
    private final long seconds;
    private final Runnable tick;
    private ScheduledFuture<?> timer;

    LoopTimer(ChannelHandlerContext ctx, long seconds, Runnable tick) {
        this.ctx = ctx;
        this.seconds = seconds;
        this.tick = tick;
        arm();
    }

    private void arm() {
        timer = ctx.executor().scheduleAtFixedRate(this::fire, seconds, seconds, TimeUnit.SECONDS);
    }

    private void fire() {
        if (ctx.executor().inEventLoop()) {
            tick.run();
        } else {
            ctx.executor().execute(this::follow);
        }
    }

    /** On the new loop: the old timer stops, a new one starts here (unless cancelled meanwhile). */
    private void follow() {
        if (!ctx.executor().inEventLoop()) {
            ctx.executor().execute(this::follow);
        } else if (!timer.isCancelled()) {
            timer.cancel(false);
            arm();
        }
    }

    /** Stops the ticks; a tick already on its way to another loop does not start them again. */
    void cancel() {
        timer.cancel(false);
    }
}
