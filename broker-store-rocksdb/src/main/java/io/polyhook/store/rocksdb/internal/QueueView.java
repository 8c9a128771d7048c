package io.polyhook.store.rocksdb.internal;

import io.polyhook.broker.store.QueueLedger;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;

/** The committed messages of one session's queue, read from the queue family within its key range. */
public final class QueueView implements QueueLedger.Committed {

    private final Database d;
    private final long no;

    QueueView(Database d, long no) {
        this.d = d;
        this.no = no;
    }

    @Override
    public QueueLedger.Slot firstAtOrAfter(long seq) {
        // A queue is mostly contiguous from its low mark: one point read usually finds the oldest,
        // without an iterator and its native objects.
        byte[] value = d.get(Column.QUEUES, Keys.queued(no, Math.max(0, seq)));
        if (value != null) {
            return new QueueLedger.Slot(Math.max(0, seq), Records.queuedWeight(value));
        }
        QueueLedger.Slot[] found = new QueueLedger.Slot[1];
        scan(seq, Long.MAX_VALUE, it -> {
            found[0] = new QueueLedger.Slot(Keys.seqOf(it.key()), Records.queuedWeight(it.value()));
            return false;
        });
        return found[0];
    }

    @Override
    public void forEachBetween(long from, long toInclusive, QueueLedger.SlotConsumer each) {
        scan(from, toInclusive, it -> {
            each.accept(Keys.seqOf(it.key()), Records.queuedWeight(it.value()));
            return true;
        });
    }

    /** Visits the messages from {@code from} to {@code toInclusive} in order while {@code each} says so. */
    public void scan(long from, long toInclusive, Visitor each) {
        byte[] upper = toInclusive == Long.MAX_VALUE ? Keys.sessionEnd(no) : Keys.queued(no, toInclusive + 1);
        d.enter();
        try (Slice bound = new Slice(upper);
             ReadOptions ro = new ReadOptions().setIterateUpperBound(bound);
             RocksIterator it = d.db().newIterator(d.handle(Column.QUEUES), ro)) {
            for (it.seek(Keys.queued(no, Math.max(0, from))); it.isValid(); it.next()) {
                if (!each.visit(it)) {
                    return;
                }
            }
            d.check(it, "reading a queue");
        } finally {
            d.exit();
        }
    }

    /** Visits the messages below {@code before} newest first, down to {@code low}, while {@code each} says so. */
    public void scanBackwards(long before, long low, Visitor each) {
        d.enter();
        try (Slice bound = new Slice(Keys.queued(no, Math.max(0, low)));
             ReadOptions ro = new ReadOptions().setIterateLowerBound(bound);
             RocksIterator it = d.db().newIterator(d.handle(Column.QUEUES), ro)) {
            if (before <= 0) {
                return;
            }
            for (it.seekForPrev(Keys.queued(no, before - 1)); it.isValid(); it.prev()) {
                if (!each.visit(it)) {
                    return;
                }
            }
            d.check(it, "reading a queue");
        } finally {
            d.exit();
        }
    }

    /** Receives the iterator at each message; returns whether to go on. */
    @FunctionalInterface
    public interface Visitor {
        /** One message; whether to go on. */
        boolean visit(RocksIterator it);
    }
}
