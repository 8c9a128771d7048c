package io.polyhook.broker.connection;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoop;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.EventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * Moves a subscriber's connection onto the event loop of the publisher it hears from. Connections
 * are spread over the event loops round-robin at accept, so a publisher and its subscriber
 * usually sit on two loops, and every message wakes a second thread: at 5,000 messages a second
 * 2.1 wake-ups and 108 µs of CPU per message, against 0.49 and 72 µs with both on one loop
 * (docs/benchmarks.md). When {@link #STREAK} bursts of deliveries in a row came from one other
 * loop, and nothing of the connection is in flight between threads ({@link Connection#movable}),
 * its channel is deregistered and registered on that loop: Netty keeps the socket, the pipeline
 * (TLS included) and unflushed writes; the keep-alive timer is made anew there, and deliveries
 * that arrive meanwhile wait in the flow's queue. {@link LoopPlacement} refuses a move that would
 * load a loop beyond its fair share, so that many clients stay spread over every loop.
 *
 * <p>Event loop only.
 */
final class LoopAffinity {

    private static final Logger LOG = LoggerFactory.getLogger(LoopAffinity.class);

    /** Bursts in a row from one other loop before the connection follows them there. */
    static final int STREAK = 32;
    /** A connection pulled around more often than this is a fan-in: it stays where it is. */
    static final int MAX_MOVES = 3;
    private static final int MAX_STREAK = 4096;
    private static final String KEEPALIVE = "keepalive";

    private final Connection c;
    private EventExecutor candidate;
    private int streak;
    private int needed = STREAK;
    private int moves;
    private boolean moving;

    LoopAffinity(Connection connection) {
        this.c = connection;
    }

    /** Between leaving one loop and arriving on the next: deliveries wait in the queue. */
    boolean moving() {
        return moving;
    }

    /** A delivery from this connection's own loop: it already sits with that publisher. */
    void local() {
        streak = 0;
    }

    /** A burst of deliveries from {@code source}, another loop: moves there once it dominates. */
    void heard(EventExecutor source) {
        if (source != candidate) {
            candidate = source;
            streak = 1;
            return;
        }
        if (++streak < needed) {
            return;
        }
        streak = 0;
        if (moves >= MAX_MOVES || moving) {
            return;
        }
        if (!(source instanceof EventLoop target) || !c.movable()
                || !c.services.placement.reserveMove(c.ctx.executor(), source)) {
            // Not now: ask again after twice as many bursts, not after every one.
            needed = Math.min(needed * 2, MAX_STREAK);
            return;
        }
        move(target);
    }

    private void move(EventLoop target) {
        Channel ch = c.ctx.channel();
        EventLoop from = ch.eventLoop();
        moving = true;
        moves++;
        c.placedOn(target); // counted there from now on (reserved above)
        // Netty's idle timer is scheduled on this loop: it is made anew on the next one.
        ChannelHandler keepAlive = ch.pipeline().get(KEEPALIVE);
        long idleMillis = keepAlive instanceof IdleStateHandler h ? h.getReaderIdleTimeInMillis() : 0;
        if (keepAlive != null) {
            ch.pipeline().remove(keepAlive);
        }
        ch.deregister().addListener(left -> {
            if (!left.isSuccess()) {
                c.services.placement.moved(target, from);
                c.placedOn(from);
                arrived(from, idleMillis);
                return;
            }
            target.register(ch).addListener(registered -> {
                if (registered.isSuccess()) {
                    arrived(target, idleMillis);
                } else {
                    LOG.warn("client {}: could not move to another event loop, closing: {}", c.clientId,
                            registered.cause().toString());
                    moving = false;
                    ch.close();
                }
            });
        });
    }

    /** On the loop the connection is now served by (the same one if it could not leave). */
    private void arrived(EventLoop at, long idleMillis) {
        if (idleMillis > 0 && c.ctx.pipeline().get(KEEPALIVE) == null && c.state().isOpen()) {
            c.ctx.pipeline().addBefore(c.ctx.name(), KEEPALIVE,
                    new IdleStateHandler(idleMillis, 0, 0, TimeUnit.MILLISECONDS));
        }
        moving = false;
        LOG.debug("client {}: served by {} from now on", c.clientId, at);
        c.outbound.arrived();
    }
}
