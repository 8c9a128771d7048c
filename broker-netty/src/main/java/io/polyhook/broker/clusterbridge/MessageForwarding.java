package io.polyhook.broker.clusterbridge;

import io.polyhook.broker.cluster.Cluster;
import io.polyhook.broker.cluster.ForwardedMessage;
import io.polyhook.broker.cluster.MessageId;
import io.polyhook.broker.routing.Message;
import io.polyhook.broker.session.MovedTarget;
import io.polyhook.broker.session.RepeatCheck;
import io.polyhook.broker.session.SessionHandover;
import io.polyhook.spi.SubscriberId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashSet;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Messages for sessions that moved to another node, sent to each session once. On the old owner,
 * a session that left has a {@link #forwarder} as its target for a while: everything that still
 * reaches this node for it goes on to the new owner, whether or not a route of the new owner
 * brings it there too (the new owner may have a route for other subscribers before the session
 * is installed there, so a route is no proof the session gets the message). On the new owner, a
 * session that arrived checks its deliveries for a while ({@link #arriving}): a message whose
 * identity reached it already, by the other way, is dropped.
 *
 * <p>Both copies carry the same identity: a message received from another node keeps the one
 * it came with; a message published here gets one before this node's subscribers have it
 * ({@link #publishing}), which the sends to other nodes use too. Only while a forwarder or an
 * arrival may exist here does a delivery carry its identity on the thread (a thread-local set
 * and removed per message); otherwise the cost is a field read per message: before the first
 * move, and again once the time of the last one has run out.
 */
final class MessageForwarding {

    private static final Logger LOG = LoggerFactory.getLogger(MessageForwarding.class);
    /** How many (session, message) pairs the arrivals remember in all: both copies of a message come close together. */
    private static final int REMEMBERED = 1 << 16;
    // The identity of the message being delivered on this thread (received from another node, or published here).
    private static final ThreadLocal<MessageId> CURRENT = new ThreadLocal<>();

    private record Reached(SubscriberId client, MessageId id) {
    }

    private final Cluster cluster;
    private final SessionHandover sessions;
    // What reached sessions that arrived here recently, oldest first.
    private final LinkedHashSet<Reached> reached = new LinkedHashSet<>();
    // Until when (on the clock) deliveries carry their identity on the thread; 0: not now.
    private volatile long markUntil;
    private final LongSupplier clock;

    MessageForwarding(Cluster cluster, SessionHandover sessions) {
        this(cluster, sessions, System::nanoTime);
    }

    /** @param clock nanoseconds, as {@link System#nanoTime()} */
    MessageForwarding(Cluster cluster, SessionHandover sessions, LongSupplier clock) {
        this.cluster = cluster;
        this.sessions = sessions;
        this.clock = clock;
    }

    private boolean marking() {
        long until = markUntil;
        if (until == 0) {
            return false;
        }
        if (clock.getAsLong() - until < 0) {
            return true;
        }
        // The time of the last move ran out: back to a field read per message (no clock, no
        // thread-local), unless a new move marked meanwhile.
        synchronized (reached) {
            if (markUntil == until) {
                markUntil = 0;
            }
        }
        return false;
    }

    private void markFor(long nanos) {
        long until = clock.getAsLong() + nanos;
        synchronized (reached) {
            if (markUntil == 0 || until - markUntil > 0) {
                markUntil = until;
            }
        }
    }

    /**
     * A message another node sent here is about to be delivered on this thread: it carries
     * {@code id} if a forwarder or an arrival may exist here. Returns whether {@link #done()}
     * must follow the delivery.
     */
    boolean receiving(MessageId id) {
        if (!marking()) {
            return false;
        }
        CURRENT.set(id);
        return true;
    }

    /**
     * A message published here is about to reach this node's subscribers, then other nodes:
     * it gets its identity now if a forwarder or an arrival may exist here. Returns whether
     * {@link #done()} must follow.
     */
    boolean publishing() {
        if (!marking()) {
            return false;
        }
        CURRENT.set(cluster.dataPlane().newId());
        return true;
    }

    /** The identity of the message being delivered on this thread, if it carries one. */
    MessageId current() {
        return markUntil == 0 ? null : CURRENT.get();
    }

    /** The delivery that {@link #receiving} or {@link #publishing} announced is done. */
    void done() {
        CURRENT.remove();
    }

    /** Session {@code id} is moving here: the check of its deliveries against repeats. */
    RepeatCheck arriving(SubscriberId id) {
        // Held messages, then the forwarding time after the commit; the session drops its check before this ends.
        markFor(TimeUnit.MINUTES.toNanos(15));
        return () -> {
            MessageId m = CURRENT.get();
            return m != null && !reached(id, m);
        };
    }

    /** Remembers that message {@code m} reached session {@code id}: false if it did already. */
    private boolean reached(SubscriberId id, MessageId m) {
        synchronized (reached) {
            if (!reached.add(new Reached(id, m))) {
                return false;
            }
            if (reached.size() > REMEMBERED) {
                reached.removeFirst();
            }
            return true;
        }
    }

    /** A message another node forwarded to a session that moved here: to it, unless it came by a route already. */
    void forwarded(ForwardedMessage f) {
        if (!reached(f.client(), f.id())) {
            LOG.debug("forwarded message {} to {} came by a route already", f.id(), f.client());
            return;
        }
        sessions.forwarded(f.client(), f.message());
    }

    /** The target of session {@code id} here once it moved to {@code node}: sends what reaches it on. */
    MovedTarget forwarder(SubscriberId id, String node) {
        // The move itself, then the forwarding time after it, with room for a long queue.
        markFor(TimeUnit.MINUTES.toNanos(15));
        return new Forwarder(id, node);
    }

    private final class Forwarder implements MovedTarget {
        private final SubscriberId id;
        private final String node;

        Forwarder(SubscriberId id, String node) {
            this.id = id;
            this.node = node;
        }

        @Override
        public void deliver(Message message) {
            MessageId from = CURRENT.get();
            // Without an identity on the thread no route sent it on (none was read for it): a new one.
            send(from != null ? from : cluster.dataPlane().newId(), message);
        }

        @Override
        public void deliverQueued(Message message) {
            send(cluster.dataPlane().newId(), message);
        }

        private void send(MessageId from, Message message) {
            if (!cluster.dataPlane().forward(node, new ForwardedMessage(from, id, message))) {
                LOG.debug("message for {} not forwarded to {}: link unavailable", id, node);
            }
        }

        @Override
        public boolean online() {
            return false;
        }
    }
}
