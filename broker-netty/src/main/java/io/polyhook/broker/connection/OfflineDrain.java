package io.polyhook.broker.connection;

import io.netty.util.concurrent.ScheduledFuture;
import io.polyhook.broker.config.DeliverySettings;
import io.polyhook.broker.routing.Message;
import io.polyhook.broker.session.OutboundJournal;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Hands the offline queue (of a session in the durable store: read from there a page at a time) of a resumed session to the outbox in steps of
 * {@code max_msgs_per_drain_step} messages, one event-loop task each and the next only when the
 * outbox has room again, so that one client with a long queue neither holds up the others on its
 * event loop nor floods its own outgoing queue. Live messages wait behind the backlog, keeping the
 * order; beyond the offline queue plus {@code max_online_messages} of them, the slow-consumer
 * policy applies. With {@code max_drain_time}, a client that has not taken it all by then is
 * disconnected, and what is left stays in its session. Event loop only.
 */
final class OfflineDrain {

    private final OutboundFlow out;
    private final ArrayDeque<Message> backlog;
    private final int step;
    // The backlog's bound: the offline queue plus max_online_messages of live messages behind it.
    private final int bound;
    private ScheduledFuture<?> timer;
    // A session in the durable store: its queue is read from there in pages, ahead of the backlog; null otherwise.
    private OutboundJournal stored;

    OfflineDrain(OutboundFlow out, List<Message> queued, int step, int maxOnline, OutboundJournal stored) {
        this.out = out;
        this.stored = stored;
        this.backlog = new ArrayDeque<>(queued);
        this.step = step;
        this.bound = (int) Math.min(Integer.MAX_VALUE, (long) queued.size() + maxOnline);
    }

    /** Starts handing over; {@code maxMillis} > 0: the client must have taken it all by then. */
    void start(long maxMillis) {
        if (maxMillis > 0) {
            timer = out.connection().ctx.executor().schedule(() -> {
                if (!backlog.isEmpty() || stored != null) {
                    out.slowConsumer("offline queue not taken within max_drain_time");
                }
            }, maxMillis, TimeUnit.MILLISECONDS);
        }
        step();
    }

    private void step() {
        Connection conn = out.connection();
        if (!conn.state().isOpen() || out.drainInProgress() != this) {
            return;
        }
        // Never past the outbox's high-water mark: a backlog alone must not make the client look slow.
        Outbox outbox = out.outbox();
        int sent = 0;
        while (stored != null && sent < step && conn.state().isOpen() && outbox.hasRoom()) {
            List<Message> page = stored.page(step - sent);
            if (page.isEmpty()) {
                stored = null;
                break;
            }
            for (Message m : page) {
                out.deliverNow(m);
            }
            sent += page.size();
        }
        for (int i = sent; i < step && conn.state().isOpen() && !backlog.isEmpty() && outbox.hasRoom(); i++) {
            out.deliverNow(backlog.pollFirst());
        }
        if (!conn.state().isOpen()) {
            // Disconnected as a slow consumer meanwhile: the session took the rest.
            return;
        }
        if (backlog.isEmpty() && stored == null) {
            cancelTimer();
            out.drained();
            return;
        }
        outbox.whenRoom(this::step);
    }

    /** A live message: behind the backlog; past its bound the slow-consumer policy applies. */
    void behind(Message m) {
        if (backlog.size() >= bound) {
            if (out.connection().services.settings.delivery().slowConsumerPolicy()
                    == DeliverySettings.SlowConsumerPolicy.DISCONNECT) {
                backlog.addLast(m);
                out.slowConsumer("stays behind: its offline queue and what came since exceed the bounds");
                return;
            }
            out.outbox().gone(backlog.pollFirst());
            out.connection().services.stats.messageDropped();
        }
        backlog.addLast(m);
    }

    /** Keeps a message that arrived while the connection closes, for the session. */
    void keep(Message m) {
        backlog.addLast(m);
    }

    /** Stops and adds what is left (QoS 1 and 2) to {@code into}. */
    void takeRest(List<Message> into) {
        cancelTimer();
        for (Message m : backlog) {
            if (m.qos() > 0) {
                into.add(m);
            }
        }
        backlog.clear();
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
        }
    }
}
