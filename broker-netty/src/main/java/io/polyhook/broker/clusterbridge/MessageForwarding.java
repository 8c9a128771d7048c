package io.polyhook.broker.clusterbridge;

import io.polyhook.broker.cluster.Cluster;
import io.polyhook.broker.cluster.ForwardedMessage;
import io.polyhook.broker.cluster.MessageId;
import io.polyhook.broker.session.MovedTarget;
import io.polyhook.broker.routing.Message;
import io.polyhook.broker.session.SessionHandover;
import io.polyhook.spi.SubscriberId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashSet;
import java.util.concurrent.TimeUnit;

/**
 * Messages for sessions that moved to another node. On the old owner, a session that left has a
 * {@link #forwarder} as its target for a while: what other nodes still route here for it (their
 * routes travel asynchronously) goes on to the new owner, keeping the message's identity. On the
 * new owner, a forwarded message whose identity already came here by a route is dropped, so a
 * message that took both ways reaches the session once; the identities of messages received from
 * other nodes are remembered only while a session recently moved here (a bounded set), at the
 * cost of a clock read per message then and of a field read otherwise.
 */
final class MessageForwarding {

    private static final Logger LOG = LoggerFactory.getLogger(MessageForwarding.class);
    private static final int REMEMBERED = 1 << 16;
    // The identity of the message from another node being delivered on this thread (forwarders keep it).
    private static final ThreadLocal<MessageId> RECEIVING = new ThreadLocal<>();

    private final Cluster cluster;
    private final SessionHandover sessions;
    private final LinkedHashSet<MessageId> received = new LinkedHashSet<>();
    // Until when (System.nanoTime) identities are remembered; 0: not at all.
    private volatile long rememberUntil;
    // Until when a forwarder may exist here: only then does a received message carry its identity on the thread.
    private volatile long forwardUntil;

    MessageForwarding(Cluster cluster, SessionHandover sessions) {
        this.cluster = cluster;
        this.sessions = sessions;
    }

    /**
     * A message another node sent here is about to be delivered on this thread: its identity is
     * remembered if a session moved here recently, and kept on the thread for forwarders if any
     * may exist. Returns whether {@link #received()} must follow the delivery.
     */
    boolean receiving(MessageId id) {
        long until = rememberUntil;
        if (until != 0 && System.nanoTime() - until < 0) {
            synchronized (received) {
                if (received.add(id) && received.size() > REMEMBERED) {
                    received.removeFirst();
                }
            }
        }
        long forwarding = forwardUntil;
        if (forwarding == 0 || System.nanoTime() - forwarding > 0) {
            return false;
        }
        RECEIVING.set(id);
        return true;
    }

    /** The delivery that {@link #receiving} announced is done. */
    void received() {
        RECEIVING.remove();
    }

    /** A session moved here: forwarded copies of what comes by routes are recognised for a while. */
    void sessionArrived() {
        rememberUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    }

    /** A message another node forwarded to a session that moved here. */
    void forwarded(ForwardedMessage f) {
        if (rememberUntil != 0) {
            synchronized (received) {
                if (!received.add(f.id())) {
                    LOG.debug("forwarded message {} to {} came by a route already", f.id(), f.client());
                    return;
                }
            }
        }
        sessions.forwarded(f.client(), f.message());
    }

    /** The target of session {@code id} here once it moved to {@code node}: sends what reaches it on. */
    MovedTarget forwarder(SubscriberId id, String node) {
        // The move itself, then the forwarding time after it, with room for a long queue.
        forwardUntil = System.nanoTime() + TimeUnit.MINUTES.toNanos(15);
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
            MessageId from = RECEIVING.get();
            if (from == null) {
                if (cluster.routes().match(id.mountpoint(), message.topic()).nodes().contains(node)) {
                    // Published here, and the new owner's routes are known: routing sends it there itself.
                    return;
                }
                from = cluster.dataPlane().newId();
            }
            send(from, message);
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
