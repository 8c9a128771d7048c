package io.polyhook.broker.session;

import io.polyhook.broker.routing.Message;
import io.polyhook.broker.store.BrokerStore;
import io.polyhook.broker.store.QueueOrder;
import io.polyhook.broker.store.QueuedMessage;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * A session this node gives up to another one, as the other node reads it: its {@link #head()},
 * then its queue a page at a time ({@link #next}), then {@link #committed()} once the other node
 * has written everything, or {@link #abandoned} if it does not get that far. This node's copy
 * (in its durable store) stays until the commit, so a crash of either node in the middle loses
 * nothing the store acknowledged.
 *
 * <p>While the stored queue is read, messages for the session still land in it and come out in
 * later pages. Once the reader reaches its end the session is <em>sealed</em>: from then on what
 * reaches this node for it goes to {@code forwarder}, the new owner. A last pass from the head
 * of the queue, and another at the commit, catch a message whose batch committed late (a PUBLISH
 * routed just before the seal); one whose batch commits later still goes to the new owner when
 * it lands ({@link #landedLate}), since after the commit this node's copy is deleted. A session
 * that lives on the heap (no durable store) is sealed at once and its queue read from the list
 * taken then; a message that reaches it after the taking goes to the new owner too
 * ({@link #takeLate}).
 */
public final class Surrender {

    /** How far the move is. */
    private enum Phase {
        /** Pages come from the stored queue; messages for the session land in it. */
        READING,
        /** The queue was read to its end; messages for the session go to the new owner. */
        SEALED,
        /** The new owner has it: this node's copy is gone. */
        COMMITTED,
        /** The new owner did not take it. */
        ABANDONED
    }

    private final SessionHandover owner;
    private final Session session;
    private final Handover head;
    private final MovedTarget forwarder;
    private final BrokerStore store;
    // Heap sessions: the queue taken at the surrender, served from position.
    private final List<Message> heapQueue;
    private int position;
    // Stored sessions: which sequence numbers went out (relative to the first), and the read cursor.
    private final BitSet sent = new BitSet();
    // Sent messages numbered below the first one read (a batch that committed late): a handful at most.
    private final java.util.Set<Long> sentBelow = new java.util.HashSet<>();
    private long firstSeq = -1;
    private long cursor = QueueOrder.OLDEST_FIRST.start();
    // Volatile: a session offering a message to its heap queue reads it without this lock (takesLateMessages).
    private volatile Phase phase = Phase.READING;

    Surrender(SessionHandover owner, Session session, Handover head, MovedTarget forwarder, BrokerStore store) {
        this.owner = owner;
        this.session = session;
        this.head = head;
        this.forwarder = forwarder;
        this.store = store;
        if (store == null) {
            // Routes go to the forwarder first; what reached the session before that and comes after
            // the taking goes there too (landedLate), since the session knows it is moving from then on.
            seal();
            this.heapQueue = session.takeQueued(this);
        } else {
            this.heapQueue = List.of();
        }
    }

    /** Subscriptions, in-flight messages, inbound QoS 2 ids and expiry. */
    public Handover head() {
        return head;
    }

    /**
     * The next messages of the queue, oldest first: at most {@code maxMessages} and about
     * {@code maxBytes} of payload (at least one); empty at its end.
     */
    public synchronized List<Message> next(int maxMessages, long maxBytes) {
        if (store == null) {
            List<Message> page = new ArrayList<>();
            long bytes = 0;
            while (position < heapQueue.size() && page.size() < maxMessages
                    && (page.isEmpty() || bytes + heapQueue.get(position).payload().size() <= maxBytes)) {
                bytes += heapQueue.get(position).payload().size();
                page.add(heapQueue.get(position++));
            }
            return page;
        }
        List<Message> page = read(maxMessages, maxBytes);
        if (page.isEmpty() && phase == Phase.READING) {
            seal();
            cursor = QueueOrder.OLDEST_FIRST.start();
            page = read(maxMessages, maxBytes);
        }
        return page;
    }

    /** Reads unsent messages after the cursor, up to the bounds. */
    private List<Message> read(int maxMessages, long maxBytes) {
        long nowNanos = System.nanoTime();
        long nowMillis = System.currentTimeMillis();
        List<Message> page = new ArrayList<>();
        long bytes = 0;
        while (page.size() < maxMessages) {
            List<QueuedMessage> read = store.readQueue(session.id, QueueOrder.OLDEST_FIRST, cursor,
                    maxMessages - page.size());
            if (read.isEmpty()) {
                break;
            }
            for (QueuedMessage q : read) {
                if (!page.isEmpty() && bytes + q.message().payload().size() > maxBytes) {
                    return page;
                }
                cursor = q.seq();
                if (!markSent(q.seq())) {
                    continue;
                }
                bytes += q.message().payload().size();
                page.add(q.message().toMessage(nowNanos, nowMillis));
            }
        }
        return page;
    }

    /** Marks {@code seq} as gone to the new owner: false if it went already. */
    private boolean markSent(long seq) {
        if (firstSeq < 0) {
            firstSeq = seq;
        }
        if (seq < firstSeq) {
            return sentBelow.add(seq);
        }
        int i = Math.toIntExact(seq - firstSeq);
        if (sent.get(i)) {
            return false;
        }
        sent.set(i);
        return true;
    }

    /**
     * A message routed to the session before the seal whose batch committed only now, as
     * {@code seq} in the stored queue (-1: not in it, this node's copy was gone already). Once
     * the queue is sealed no page may come to read it, and after the commit this node's copy
     * is deleted: it goes to the new owner now, unless a page or the commit's pass took it.
     * While the queue is read, a later page brings it (it is committed when this runs). Whether
     * the move took care of it (false: it stays with this node's copy, as for any session).
     */
    synchronized boolean landedLate(Message m, long seq) {
        if (phase == Phase.READING || phase == Phase.ABANDONED) {
            return false;
        }
        if (seq < 0) {
            // Routed after this node's copy went: the route that brought it may have reached the new owner too.
            forwarder.deliver(m);
        } else if (markSent(seq)) {
            forwarder.deliverQueued(m);
        }
        return true;
    }

    /**
     * A message {@link Session#offerOrMove} gave this move: the session's heap queue went with it,
     * or the move committed. It goes to the new owner (a route may have brought it there too, the
     * new owner drops the second copy). Should the move have been given up since offerOrMove chose
     * it, the give-up has put the queue back first (under this lock, which this call waited for):
     * the message is offered to the session again, behind that queue, as any message after a give-up.
     */
    synchronized void takeLate(Message m) {
        if (phase == Phase.ABANDONED) {
            session.offerAgain(m);
            return;
        }
        forwarder.deliver(m);
    }

    /** Whether {@link #landedLate} and {@link #takeLate} take a message now: the queue was read to its end or taken, and the move goes on. */
    boolean takesLateMessages() {
        Phase p = phase;
        return p == Phase.SEALED || p == Phase.COMMITTED;
    }

    private void seal() {
        phase = Phase.SEALED;
        owner.seal(session, forwarder);
    }

    /**
     * The new owner has written the session: a message that came into the stored queue after the
     * last page (a late batch) goes to it, then this node deletes its copy. What still reaches
     * this node for the session goes on to the new owner for a while (routes travel asynchronously).
     */
    public synchronized void committed() {
        if (phase == Phase.COMMITTED || phase == Phase.ABANDONED) {
            return;
        }
        if (phase == Phase.READING) {
            seal();
        }
        if (store != null) {
            cursor = QueueOrder.OLDEST_FIRST.start();
            List<Message> late;
            while (!(late = read(500, Long.MAX_VALUE)).isEmpty()) {
                late.forEach(forwarder::deliverQueued);
            }
        }
        phase = Phase.COMMITTED;
        owner.committed(session, forwarder);
    }

    /**
     * The new owner did not take the session. {@code keep}: this node claimed it back and keeps
     * it as it was, offline; else another node owns the client id now and this copy is dropped.
     */
    public synchronized void abandoned(boolean keep) {
        if (phase == Phase.COMMITTED || phase == Phase.ABANDONED) {
            return;
        }
        phase = Phase.ABANDONED;
        owner.abandoned(session, head, heapQueue.subList(0, heapQueue.size()), forwarder, keep);
    }
}
