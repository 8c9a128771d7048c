package io.polyhook.broker.session;

import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import io.polyhook.broker.routing.DeliveryTarget;
import io.polyhook.broker.routing.Message;
import io.polyhook.broker.store.BrokerStore;
import io.polyhook.broker.store.QueueOrder;
import io.polyhook.broker.store.QueuedMessage;
import io.polyhook.broker.store.StoreBatch;
import io.polyhook.broker.store.StoreException;
import io.polyhook.spi.SubscriberId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What one connection of a persistent session does with the messages the store holds for it:
 * its queue is read in pages ({@link #page}), never whole into the heap; a queued message that
 * goes out moves to the store's in-flight records with its packet id in one write, so a restart
 * neither loses nor repeats it; PUBREC and PUBACK/PUBCOMP update those records.
 *
 * <p>While the queue is being read, messages routed to the session stay in the store and come
 * out through the pages, in queue order; afterwards they are handed to the connection as they
 * are written. Thread-safe (publishers tag, the connection's event loop sends).
 *
 * <p>The changes of sends and acknowledgements are gathered in one batch per burst and written
 * by {@link #commit()}, which the connection calls before each flush of its socket: a message's
 * move in flight is in the write-ahead log before its PUBLISH leaves (so a restart resends it
 * with the same packet id, and a QoS 2 message is never delivered twice), and a burst of
 * acknowledgements costs one write, not one each. An acknowledgement's removal may wait for the
 * next flush: lost by a crash, it only means the message is sent again (DUP), as QoS 1 allows and
 * QoS 2 receivers recognise (its PUBREL stage was written before the PUBREL left).
 *
 * <p>A QoS 1 message of the queue is an exception: sending it writes nothing. It stays in the
 * store's queue while the client holds it, and its acknowledgement removes it from there (one
 * delete instead of a move in flight with the whole message, then a delete); only when the
 * connection goes are those still unacknowledged moved in flight with their packet ids. A crash
 * before then finds them queued and delivers them again, with new packet ids: at least once, as
 * QoS 1 promises, in queue order. QoS 2 needs its packet id in the log before the PUBLISH leaves
 * (exactly once), so it moves at once.
 */
public final class OutboundJournal {

    private static final Logger LOG = LoggerFactory.getLogger(OutboundJournal.class);

    /** Where the journal stands with the session's queue. */
    private enum Phase {
        /** Pages are read from the store; routed messages wait in the queue. */
        READING,
        /** Read to its end: routed messages go to the connection at once. */
        LIVE,
        /** The connection is gone. */
        CLOSED
    }

    private final BrokerStore store;
    private final SubscriberId id;
    private final QueueOrder order;
    private final DeliveryTarget connection;
    // Messages handed to the connection that are still in the store's queue: their sequence number and stored form.
    private final Map<Message, Tag> queued = new IdentityHashMap<>();
    private final Set<Long> queuedSeqs = new HashSet<>();
    // Numbers of messages sent or gone whose removal from the queue is in the pending batch: a page read meanwhile skips them.
    private final List<Long> leaving = new ArrayList<>();
    // QoS 1 messages of the queue sent and not acknowledged, by packet id: still in the store's queue
    // (their numbers stay in queuedSeqs), moved in flight only when the connection goes. At most the
    // client's receive maximum.
    private final IntObjectMap<Tag> sentFromQueue = new IntObjectHashMap<>();
    private Phase phase = Phase.READING;
    // Changes of the current burst, not written yet: touched on the connection's event loop only.
    private StoreBatch pending;
    private long cursor;
    // The highest sequence number a page handed out: routed messages up to it came out through a page.
    private long highestRead = -1;

    OutboundJournal(BrokerStore store, SubscriberId id, boolean lastInFirstOut, DeliveryTarget connection) {
        this.store = store;
        this.connection = connection;
        this.id = id;
        this.order = lastInFirstOut ? QueueOrder.NEWEST_FIRST : QueueOrder.OLDEST_FIRST;
        this.cursor = order.start();
    }

    /**
     * The next messages of the queue, at most {@code max}, in delivery order; empty once it has
     * been read to its end, after which routed messages go to the connection directly.
     */
    public synchronized List<Message> page(int max) {
        if (phase != Phase.READING) {
            return List.of();
        }
        boolean fromHead = cursor == order.start();
        long nowNanos = System.nanoTime();
        long nowMillis = System.currentTimeMillis();
        List<Message> out = new ArrayList<>();
        while (out.isEmpty()) {
            List<QueuedMessage> read = store.readQueue(id, order, cursor, max);
            if (read.isEmpty()) {
                if (fromHead) {
                    phase = Phase.LIVE;
                    return out;
                }
                // A last pass from the head: a batch that committed late may hold a lower number.
                fromHead = true;
                cursor = order.start();
                continue;
            }
            for (QueuedMessage q : read) {
                cursor = q.seq();
                if (queuedSeqs.contains(q.seq())) {
                    continue;
                }
                highestRead = Math.max(highestRead, q.seq());
                Message m = q.message().toMessage(nowNanos, nowMillis);
                tag(m, q.seq(), q.stored());
                out.add(m);
            }
        }
        return out;
    }

    /** A message of the stored queue the connection holds: its number, and the store's form of it (may be null). */
    private record Tag(long seq, Object stored) {
    }

    private void tag(Message m, long seq, Object stored) {
        queued.put(m, new Tag(seq, stored));
        queuedSeqs.add(seq);
    }

    /** {@code m} leaves the queue: its number stays known to the pages until the batch that removes it is written. */
    private Tag untag(Message m) {
        Tag t = queued.remove(m);
        if (t != null) {
            leaving.add(t.seq());
        }
        return t;
    }

    /**
     * A message routed to the session was appended to its queue as {@code seq}: hands it to the
     * connection unless a page brings it (while the queue is read, or it was read already).
     */
    synchronized void routed(Message m, long seq, Object stored) {
        if (phase != Phase.LIVE || queuedSeqs.contains(seq)) {
            return;
        }
        if (seq <= highestRead && !stillQueued(seq)) {
            // A page brought it, and it has left the queue since.
            return;
        }
        // Either appended after everything read, or its batch committed after the reading had passed its
        // number (batches commit in any order): no page brings it, so it goes out now, not at the next connection.
        tag(m, seq, stored);
        connection.deliver(m);
    }

    /**
     * Whether message {@code seq} is in the store's queue. Asked only for a number at or below the
     * highest read (rare: a batch that committed late, or one read while its routing was on its way),
     * so the point read costs nothing on the usual path. A message a page brought is in
     * {@link #queuedSeqs} until the batch that removes it from the queue is written.
     */
    private boolean stillQueued(long seq) {
        List<QueuedMessage> at = store.readQueue(id, QueueOrder.OLDEST_FIRST, seq - 1, 1);
        return !at.isEmpty() && at.get(0).seq() == seq;
    }

    /**
     * Whether {@code m} is still in the store's queue (so nothing needs to keep it when the
     * connection goes): a message of the queue handed to the connection and neither sent nor gone,
     * also after {@link #close()}.
     */
    public synchronized boolean inQueue(Message m) {
        return queued.containsKey(m);
    }

    /** {@code on_deliver} made {@code now} of {@code routed}: {@code now} stands for its place in the stored queue. */
    public synchronized void replaced(Message routed, Message now) {
        Tag t = queued.remove(routed);
        if (t != null) {
            queued.put(now, t);
        }
    }

    /** How many messages of the stored queue it tracks: handed to the connection and not yet sent or dropped. */
    synchronized int tracked() {
        return queuedSeqs.size();
    }

    /**
     * {@code m} goes out as {@code packetId}: from the queue to the in-flight records, in one write;
     * a QoS 1 message of the queue stays queued until it is acknowledged (see above).
     */
    public void sent(Message m, int packetId) {
        Tag t;
        synchronized (this) {
            Tag qos1 = m.qos() == 1 && phase != Phase.CLOSED ? queued.remove(m) : null;
            if (qos1 != null) {
                sentFromQueue.put(packetId, qos1);
                return;
            }
            t = untag(m);
        }
        if (t != null) {
            change(b -> b.moveToInFlight(id, t.seq(), packetId, t.stored()));
        } else {
            change(b -> b.putInFlight(id, packetId, DurableSessions.stored(m)));
        }
    }

    /** {@code m} left without an acknowledgement to wait for (QoS 0, expired, too large): out of the queue. */
    public void gone(Message m) {
        Tag t;
        synchronized (this) {
            t = untag(m);
        }
        if (t != null) {
            change(b -> b.removeQueued(id, t.seq(), t.stored()));
        }
    }

    /** PUBREC: only the PUBREL is resent from now on. */
    public void released(int packetId) {
        change(b -> b.releaseInFlight(id, packetId));
    }

    /** PUBACK or PUBCOMP: done. */
    public void acknowledged(int packetId) {
        Tag t;
        synchronized (this) {
            t = sentFromQueue.remove(packetId);
            if (t != null) {
                leaving.add(t.seq());
            }
        }
        if (t == null) {
            change(b -> b.removeInFlight(id, packetId));
        } else {
            change(b -> b.removeQueued(id, t.seq(), t.stored()));
        }
    }

    /**
     * Writes the changes gathered since the last call to the write-ahead log: before every flush
     * of the connection, and at its end. Event loop only.
     */
    public void commit() {
        StoreBatch b = pending;
        if (b == null) {
            return;
        }
        pending = null;
        try (b) {
            b.commit();
        } catch (StoreException e) {
            // The client's state then runs ahead of the store: after a restart it may get a message again.
            LOG.error("{}", e.getMessage());
        }
        synchronized (this) {
            if (!leaving.isEmpty()) {
                leaving.forEach(queuedSeqs::remove);
                leaving.clear();
            }
        }
    }

    private void change(Consumer<StoreBatch> c) {
        if (phase == Phase.CLOSED) {
            // Closed on this event loop: nothing would write a batch begun now.
            return;
        }
        try {
            if (pending == null) {
                pending = store.batch();
            }
            c.accept(pending);
        } catch (StoreException e) {
            LOG.error("{}", e.getMessage());
        }
    }

    /**
     * The connection is gone: its last changes are written, the QoS 1 messages it sent from the
     * queue and were not acknowledged move in flight with their packet ids (the session resends
     * them so); what it held of the queue unsent stays in the store for the next one.
     */
    public void close() {
        List<Runnable> moves = new ArrayList<>(0);
        synchronized (this) {
            for (IntObjectMap.PrimitiveEntry<Tag> e : sentFromQueue.entries()) {
                int packetId = e.key();
                Tag t = e.value();
                leaving.add(t.seq());
                moves.add(() -> change(b -> b.moveToInFlight(id, t.seq(), packetId, t.stored())));
            }
            sentFromQueue.clear();
        }
        moves.forEach(Runnable::run);
        commit();
        synchronized (this) {
            phase = Phase.CLOSED;
            // queued stays: what the connection held of the queue is still there, and a message of it
            // that reaches the closed connection late (inQueue) must not be handed back to the session,
            // which would queue it a second time. It goes with the connection.
            queuedSeqs.clear();
            leaving.clear();
        }
    }
}
