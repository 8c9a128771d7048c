package io.polyhook.broker.store;


import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The accounting of one session's queue, shared by the store implementations: sequence numbers,
 * size, and which messages are being removed by batches not committed yet. Changes are decided
 * here under one lock when a batch is built (so concurrent appenders never drop the same message),
 * then settled when it commits or undone when it is discarded or fails.
 *
 * <p>{@code low} is a lower bound of the queue: every sequence number below it is removed or
 * being removed. Reads and drops start there instead of walking over deleted heads. Batches
 * commit in any order, so an append may land after a later one: {@code low} never passes an
 * append that is not settled yet, or that message would be hidden below it.
 */
public final class QueueLedger {

    /** The committed messages of the queue, as the implementation stores them. */
    public interface Committed {
        /** The first message at or after {@code seq}, or null if there is none. */
        Slot firstAtOrAfter(long seq);

        /** Calls {@code each} with every message from {@code from} to {@code toInclusive}. */
        void forEachBetween(long from, long toInclusive, SlotConsumer each);
    }

    /** A message's place and weight. */
    public record Slot(long seq, int weight) {
    }

    /** Receives slots. */
    @FunctionalInterface
    public interface SlotConsumer {
        /** One slot. */
        void accept(long seq, int weight);
    }

    /** The queued totals of every ledger of a store, for its metrics. */
    public static final class Totals {
        private final AtomicLong messages = new AtomicLong();
        private final AtomicLong bytes = new AtomicLong();

        void add(long n, long b) {
            messages.addAndGet(n);
            bytes.addAndGet(b);
        }

        /** Messages in every queue. */
        public long messages() {
            return messages.get();
        }

        /** Their weight, what the byte limits count. */
        public long bytes() {
            return bytes.get();
        }
    }

    /**
     * What one append decided: its sequence number (-1: not queued) and the messages it dropped.
     *
     * @param seq     the new message's number, -1 if it was refused
     * @param weight  its weight
     * @param dropped the queued messages dropped for it
     * @param refused whether the new message itself was refused
     */
    public record Admission(long seq, int weight, List<Slot> dropped, boolean refused) {
        /** How many messages were dropped, the refused new one included. */
        public int droppedCount() {
            return dropped.size() + (refused ? 1 : 0);
        }
    }

    /**
     * A removal of the head of the queue: the range {@code [from, to)} with what it held.
     *
     * @param from     the first number of the range
     * @param to       the end of the range, exclusive
     * @param messages the messages in it
     * @param bytes    their weight
     */
    public record HeadRemoval(long from, long to, long messages, long bytes) {
    }

    private final Totals totals;
    private final Set<Long> pending = new HashSet<>();
    private final TreeSet<Long> appending = new TreeSet<>();
    // Messages whose removal committed while low could not pass them (an older append was not
    // settled yet): without this, the owner, holding a page read before they went, would count
    // their removal a second time.
    private final TreeSet<Long> gone = new TreeSet<>();
    private long next;
    private long low;
    private long count;
    private long bytes;
    private boolean closed;

    /**
     * A ledger of a queue found at start-up.
     *
     * @param next  the number the next append gets
     * @param low   no message below it
     * @param count the messages in the queue
     * @param bytes their weight
     */
    public QueueLedger(Totals totals, long next, long low, long count, long bytes) {
        this.totals = totals;
        this.next = next;
        this.low = low;
        this.count = count;
        this.bytes = bytes;
        totals.add(count, bytes);
    }

    /** The ledger of a new, empty queue. */
    public static QueueLedger empty(Totals totals) {
        return new QueueLedger(totals, 0, 0, 0, 0);
    }

    /** What the queue holds, counting batches not committed yet. */
    public synchronized QueueSize size() {
        return new QueueSize(count, bytes);
    }

    /** No message below this number. */
    public synchronized long low() {
        return low;
    }

    /**
     * Decides an append of a message of {@code weight}: its number, and the oldest messages it
     * drops to stay within {@code limits}. Null if the queue's session was removed.
     */
    public synchronized Admission admit(int weight, QueueLimits limits, Committed committed) {
        if (closed) {
            return null;
        }
        if (limits.maxMessages() == 0) {
            return new Admission(-1, weight, List.of(), true);
        }
        List<Slot> dropped = List.of();
        long from = low;
        // A queue always has room for one message, however large (as the broker's in-memory queues).
        while (count > 0 && (count >= limits.maxMessages()
                || (limits.maxBytes() > 0 && bytes + weight > limits.maxBytes()))) {
            Slot oldest = committed.firstAtOrAfter(from);
            while (oldest != null && pending.contains(oldest.seq())) {
                oldest = committed.firstAtOrAfter(oldest.seq() + 1);
            }
            if (oldest == null) {
                // Everything queued is still uncommitted in other batches: the new message is the one to go.
                undoDrops(dropped);
                return new Admission(-1, weight, List.of(), true);
            }
            if (dropped.isEmpty()) {
                dropped = new ArrayList<>(2);
            }
            dropped.add(oldest);
            pending.add(oldest.seq());
            change(-1, -oldest.weight());
            raiseLow(oldest.seq() + 1);
            from = oldest.seq() + 1;
        }
        long seq = next++;
        appending.add(seq);
        change(1, weight);
        return new Admission(seq, weight, dropped, false);
    }

    /** The batch of {@code a} committed. */
    public synchronized void settle(Admission a) {
        appending.remove(a.seq());
        for (Slot s : a.dropped()) {
            settled(s.seq());
        }
    }

    private void settled(long seq) {
        if (pending.remove(seq) && seq >= low) {
            gone.add(seq);
            pastGone();
        }
    }

    /** Forgets what low has passed, and moves low past removals that sit right at it. */
    private void pastGone() {
        // Called for every removal: with nothing remembered (the usual case) it allocates nothing.
        while (!gone.isEmpty()) {
            long first = gone.first();
            if (first > low) {
                return;
            }
            gone.pollFirst();
            if (first == low) {
                low++;
            }
        }
    }

    /** The batch of {@code a} was discarded or failed. */
    public synchronized void undo(Admission a) {
        appending.remove(a.seq());
        undoDrops(a.dropped());
        if (a.seq() >= 0 && !closed) {
            change(-1, -a.weight());
            // Its number was never written: a hole low must be able to pass.
            if (a.seq() >= low) {
                gone.add(a.seq());
                pastGone();
            }
        }
    }

    private void undoDrops(List<Slot> dropped) {
        for (Slot s : dropped) {
            undoRemoval(s.seq(), s.weight());
        }
    }

    /**
     * Decides the removal of message {@code seq}, which the caller just read from the committed
     * queue with {@code weight}: returns the weight, or -1 if another batch removes it or removed
     * it meanwhile. (Only the session's owner removes single messages, so a message it read is
     * either still there, or below {@code low}, pending, or remembered as gone.)
     */
    public synchronized int reserveRemoval(long seq, int weight) {
        if (closed || seq < low || pending.contains(seq) || gone.contains(seq)) {
            return -1;
        }
        int w = weight;
        pending.add(seq);
        change(-1, -w);
        if (seq == low) {
            raiseLow(seq + 1);
        }
        return w;
    }

    /** The removal of {@code seq} committed. */
    public synchronized void settleRemoval(long seq) {
        settled(seq);
    }

    /** The removal of {@code seq} was discarded or failed. */
    public synchronized void undoRemoval(long seq, int weight) {
        if (pending.remove(seq) && !closed) {
            change(1, weight);
            low = Math.min(low, seq);
        }
    }

    /**
     * Decides the removal of every message up to and including {@code seq}, or up to the first
     * append not committed yet if that comes first; null if there is none. Messages other batches
     * are removing are left to them.
     */
    public synchronized HeadRemoval reserveThrough(long seq, Committed committed) {
        long to = appending.isEmpty() ? seq + 1 : Math.min(seq + 1, appending.first());
        if (closed || to <= low) {
            return null;
        }
        long[] n = new long[2];
        committed.forEachBetween(low, to - 1, (s, w) -> {
            if (!pending.contains(s)) {
                n[0]++;
                n[1] += w;
            }
        });
        HeadRemoval r = new HeadRemoval(low, to, n[0], n[1]);
        change(-n[0], -n[1]);
        low = to;
        pastGone();
        return r;
    }

    /** Raises {@code low} to {@code to}, but never past an append that is not settled. */
    private void raiseLow(long to) {
        long cap = appending.isEmpty() ? to : Math.min(to, appending.first());
        low = Math.max(low, cap);
        pastGone();
    }

    /** The head removal {@code r} was discarded or failed. */
    public synchronized void undo(HeadRemoval r) {
        if (!closed) {
            change(r.messages(), r.bytes());
            low = Math.min(low, r.from());
        }
    }

    /** The session was removed: appends are refused from now on. */
    public synchronized void close() {
        if (!closed) {
            closed = true;
            change(-count, -bytes);
        }
    }

    private void change(long n, long b) {
        count += n;
        bytes += b;
        totals.add(n, b);
    }
}
