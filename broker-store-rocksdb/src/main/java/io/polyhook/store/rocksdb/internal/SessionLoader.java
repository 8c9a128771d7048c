package io.polyhook.store.rocksdb.internal;

import io.polyhook.broker.store.QueueLedger;
import io.polyhook.spi.SubscriberId;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Loads what the store keeps in the heap at start-up: each session's identity, number and queue
 * accounting. The queue family is walked by session, one seek to its first and one to its last
 * message, never message by message; its sizes come from the counters. A counter that disagrees
 * with the keys (it cannot, unless the store was damaged) is recounted and corrected. Records of
 * numbers without a session (a session removed while another thread appended to it) are removed.
 */
final class SessionLoader {

    private final Database d;
    private final Map<Long, SubscriberId> ids = new HashMap<>();
    private final Map<Long, long[]> counters = new HashMap<>();
    private final Map<Long, long[]> bounds = new HashMap<>();
    private final Set<Long> orphans = new HashSet<>();

    SessionLoader(Database d) {
        this.d = d;
    }

    void load() {
        readSessions();
        readCounters();
        walkQueues();
        try (WriteBatch fixes = new WriteBatch(); WriteOptions sync = new WriteOptions().setSync(true)) {
            long maxNo = 0;
            Map<SubscriberId, Long> byId = new HashMap<>();
            for (var e : ids.entrySet()) {
                maxNo = Math.max(maxNo, e.getKey());
                Long other = byId.put(e.getValue(), e.getKey());
                if (other != null) {
                    // Two records for one identity: the later number is the session, the other is left over.
                    long older = Math.min(other, e.getKey());
                    byId.put(e.getValue(), Math.max(other, e.getKey()));
                    orphans.add(older);
                }
            }
            for (var e : byId.entrySet()) {
                long no = e.getValue();
                d.sessions().put(e.getKey(), d.slot(no, ledger(no, fixes)));
            }
            for (Column c : Column.PER_SESSION) {
                maxNo = Math.max(maxNo, lastNumber(c));
            }
            d.numbersAbove(maxNo);
            for (long no : orphans) {
                RangeDeletes.session(d, fixes, no);
            }
            if (fixes.count() > 0) {
                d.db().write(sync, fixes);
            }
        } catch (RocksDBException e) {
            throw Failures.of(d.folder(), "repairing queue counters", e);
        }
    }

    private void readSessions() {
        try (RocksIterator it = d.db().newIterator(d.handle(Column.SESSIONS))) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                ids.put(Keys.sessionOf(it.key()), Records.session(it.value()).id());
            }
            d.check(it, "reading sessions");
        }
    }

    private void readCounters() {
        try (RocksIterator it = d.db().newIterator(d.handle(Column.QUEUE_SIZES))) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                byte[] k = it.key();
                long[] c = counters.computeIfAbsent(Keys.sessionOf(k), n -> new long[2]);
                c[k[8] == 'n' ? 0 : 1] = Counters.value(it.value());
            }
            d.check(it, "reading queue sizes");
        }
    }

    private void walkQueues() {
        try (RocksIterator it = d.db().newIterator(d.handle(Column.QUEUES))) {
            it.seekToFirst();
            while (it.isValid()) {
                long no = Keys.sessionOf(it.key());
                long low = Keys.seqOf(it.key());
                if (!ids.containsKey(no)) {
                    orphans.add(no);
                } else {
                    it.seekForPrev(Keys.queued(no, Long.MAX_VALUE));
                    bounds.put(no, new long[] {low, Keys.seqOf(it.key()) + 1});
                }
                it.seek(Keys.sessionEnd(no));
            }
            d.check(it, "reading queues");
        }
    }

    private QueueLedger ledger(long no, WriteBatch fixes) throws RocksDBException {
        long[] b = bounds.getOrDefault(no, new long[] {0, 0});
        long[] c = counters.getOrDefault(no, new long[2]);
        long count = c[0];
        long bytes = c[1];
        boolean plausible = b[1] == b[0] ? count == 0 && bytes == 0 : count > 0 && count <= b[1] - b[0] && bytes >= 0;
        if (!plausible) {
            long[] real = new long[2];
            new QueueView(d, no).forEachBetween(b[0], Long.MAX_VALUE - 1, (seq, w) -> {
                real[0]++;
                real[1] += w;
            });
            fixes.merge(d.handle(Column.QUEUE_SIZES), Keys.counter(no, 'n'), Counters.delta(real[0] - count));
            fixes.merge(d.handle(Column.QUEUE_SIZES), Keys.counter(no, 'b'), Counters.delta(real[1] - bytes));
            count = real[0];
            bytes = real[1];
        }
        return new QueueLedger(d.totals(), b[1], b[0], count, bytes);
    }

    private long lastNumber(Column c) {
        try (RocksIterator it = d.db().newIterator(d.handle(c))) {
            it.seekToLast();
            long no = it.isValid() ? Keys.sessionOf(it.key()) : 0;
            d.check(it, "reading " + c.familyName());
            return no;
        }
    }
}
