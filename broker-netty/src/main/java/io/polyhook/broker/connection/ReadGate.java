package io.polyhook.broker.connection;

import io.netty.channel.ChannelHandlerContext;
import io.polyhook.broker.routing.DeliveryTarget;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The one owner of a connection's auto-read: the broker reads from the client unless one of the
 * {@link Reason}s holds. Toggled per burst, not per message (a toggle is a system call). Event
 * loop only.
 */
final class ReadGate {

    /** Why reading is paused. */
    enum Reason {
        /** More than {@code max_pending} packets wait behind a pending verdict. */
        PENDING,
        /** Throttled: {@code max_message_rate}, or the publish {@code throttle} modifier. */
        THROTTLED,
        /** A subscriber this client published to is congested. */
        STALLED
    }

    /** The longest a publisher is stalled by congested subscribers at a time. */
    static final long STALL_MILLIS = 500;

    private final ChannelHandlerContext ctx;
    private int reasons;
    private boolean stopped;
    // Subscribers whose congestion this publisher waits out; allocated at the first stall.
    private Set<DeliveryTarget> stalledOn;
    // The bound of the stall in progress, null between stalls. Cancelled when the stall ends by
    // draining: left running, it ended the next stall early (stalls come every few milliseconds
    // under load), so publishers ran ahead of a subscriber that was only slow and it dropped
    // QoS 1 messages at max_online_messages (7 of 20 fresh brokers in a 1to1 QoS 1 run).
    private ScheduledFuture<?> stallBound;

    ReadGate(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    void pause(Reason reason) {
        set(reasons | (1 << reason.ordinal()));
    }

    void resume(Reason reason) {
        set(reasons & ~(1 << reason.ordinal()));
    }

    boolean isPaused(Reason reason) {
        return (reasons & (1 << reason.ordinal())) != 0;
    }

    /** Whether reading was never paused for a subscriber and is not paused now: no timer or relief of ours is out. */
    boolean idle() {
        return reasons == 0 && stalledOn == null;
    }

    /** The connection is closing: reading is the disconnector's business from now on. */
    void stop() {
        stopped = true;
    }

    private void set(int now) {
        if (now == reasons) {
            return;
        }
        boolean wasReading = reasons == 0;
        reasons = now;
        if (!stopped && wasReading != (now == 0)) {
            ctx.channel().config().setAutoRead(now == 0);
        }
    }

    /** Stops reading for {@code millis} (a throttle), unless already throttled. */
    void throttle(long millis) {
        if (millis <= 0 || isPaused(Reason.THROTTLED) || stopped) {
            return;
        }
        pause(Reason.THROTTLED);
        ctx.executor().schedule(() -> resume(Reason.THROTTLED), millis, TimeUnit.MILLISECONDS);
    }

    /**
     * {@code target}, which this client just published to, is congested: stop reading until it
     * drains, or for at most {@link #STALL_MILLIS}, so that a subscriber that stays behind
     * throttles its publishers without stopping them.
     */
    void stallOn(DeliveryTarget target) {
        if (stopped) {
            return;
        }
        if (stalledOn == null) {
            stalledOn = new HashSet<>();
        }
        if (!stalledOn.add(target)) {
            return;
        }
        if (stalledOn.size() == 1) {
            pause(Reason.STALLED);
            stallBound = ctx.executor().schedule(() -> {
                stallBound = null;
                stalledOn.clear();
                resume(Reason.STALLED);
            }, STALL_MILLIS, TimeUnit.MILLISECONDS);
        }
        target.whenRelieved(() -> ctx.executor().execute(() -> {
            if (stalledOn.remove(target) && stalledOn.isEmpty()) {
                if (stallBound != null) {
                    stallBound.cancel(false);
                    stallBound = null;
                }
                resume(Reason.STALLED);
            }
        }));
    }
}
