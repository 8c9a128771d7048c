package io.polyhook.broker.clusterbridge;

import io.polyhook.broker.cluster.Cluster;
import io.polyhook.broker.cluster.ForwardedMessage;
import io.polyhook.broker.cluster.MessageId;
import io.polyhook.broker.routing.Message;
import io.polyhook.broker.session.HandoverHold;
import io.polyhook.broker.session.MovedTarget;
import io.polyhook.broker.session.RepeatCheck;
import io.polyhook.broker.session.SessionHandover;
import io.polyhook.spi.SubscriberId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 *
 * <p>A session this node hands over on its own (a clean leave) has a forwarder that holds what
 * reaches it ({@link #handingOver}) until the new owner reads the queue: before that the new
 * owner has nothing to put a forwarded message in, and would drop it. The hold stands in for the
 * session's offline queue ({@link HandoverHold}): its bounds, its drops, the broker's queued bytes.
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
        if (!sessions.forwarded(f.client(), f.message())) {
            // Its session is neither here, nor expected, nor being written here: nothing can take it.
            LOG.warn("message {} forwarded to {} is dropped: no session of it here", f.id(), f.client().clientId());
        }
    }

    /** The target of session {@code id} here once it moved to {@code node}: sends what reaches it on. */
    Forwarder forwarder(SubscriberId id, String node) {
        // The move itself, then the forwarding time after it, with room for a long queue.
        markFor(TimeUnit.MINUTES.toNanos(15));
        return new Forwarder(id, node, Stage.FORWARDING, null);
    }

    /**
     * The target of session {@code id} here while this node hands it to {@code node} on its own
     * initiative (a clean leave): what reaches it waits here until {@link Forwarder#release()},
     * since the new owner has no session to put it in before it starts reading the queue (in a
     * takeover the new owner asked, and holds what comes from the start). It waits within the
     * bounds of the session's offline queue, which it stands in for.
     */
    Forwarder handingOver(SubscriberId id, String node) {
        markFor(TimeUnit.MINUTES.toNanos(15));
        return new Forwarder(id, node, Stage.HOLDING, sessions.hold(id, node, (Held h) -> h.message().heapBytes()));
    }

    /** Where a forwarder sends what reaches it. */
    private enum Stage {
        /** Kept here, in order, until the new owner can take it. */
        HOLDING,
        /** Sent on to the new owner as it comes. */
        FORWARDING,
        /** The session stayed here after all: back into it. */
        RETURNED
    }

    private record Held(MessageId id, Message message) {
    }

    /** Sends what reaches a session that moves, or moved, to another node on to that node. */
    final class Forwarder implements MovedTarget {
        private final SubscriberId id;
        private final String node;
        private volatile Stage stage;
        // What waits while HOLDING (null for a forwarder that sends at once); added to under this forwarder's lock.
        private final HandoverHold<Held> held;
        // Messages this forwarder could not pass on: the first is logged, the data plane counts the rest.
        private final AtomicLong lost = new AtomicLong();

        private Forwarder(SubscriberId id, String node, Stage stage, HandoverHold<Held> held) {
            this.id = id;
            this.node = node;
            this.stage = stage;
            this.held = held;
        }

        @Override
        public void deliver(Message message) {
            MessageId from = CURRENT.get();
            // Without an identity on the thread no route sent it on (none was read for it): a new one.
            pass(from != null ? from : cluster.dataPlane().newId(), message);
        }

        @Override
        public void deliverQueued(Message message) {
            pass(cluster.dataPlane().newId(), message);
        }

        private void pass(MessageId from, Message message) {
            if (stage != Stage.FORWARDING) {
                synchronized (this) {
                    if (stage == Stage.HOLDING) {
                        held.add(new Held(from, message));
                        return;
                    }
                    if (stage == Stage.RETURNED) {
                        back(message);
                        return;
                    }
                }
            }
            send(from, message);
        }

        /** The new owner reads the queue: what waited goes to it first, in order, and what comes later after it. */
        synchronized void release() {
            if (stage != Stage.HOLDING) {
                return;
            }
            held.takeAll().forEach(h -> send(h.id(), h.message()));
            stage = Stage.FORWARDING;
        }

        /** The hand-over was given up: what waited, and what comes later, goes to the session here, if it stayed. */
        synchronized void returnHere() {
            if (stage == Stage.RETURNED) {
                return;
            }
            List<Held> waiting = stage == Stage.HOLDING ? held.takeAll() : List.of();
            stage = Stage.RETURNED;
            waiting.forEach(h -> back(h.message()));
        }

        private void back(Message message) {
            if (!sessions.forwarded(id, message) && lost.getAndIncrement() == 0) {
                LOG.warn("messages for {} are dropped: its hand-over to {} was given up and its session is not here",
                        id.clientId(), node);
            }
        }

        private void send(MessageId from, Message message) {
            if (!cluster.dataPlane().forward(node, new ForwardedMessage(from, id, message))
                    && lost.getAndIncrement() == 0) {
                LOG.warn("messages for {} are dropped: the link to its new owner {} is unavailable (the data plane "
                        + "counts them)", id.clientId(), node);
            }
        }

        @Override
        public boolean online() {
            return false;
        }
    }
}
