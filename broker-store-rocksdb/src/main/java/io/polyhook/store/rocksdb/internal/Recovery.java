package io.polyhook.store.rocksdb.internal;

import io.polyhook.broker.store.InFlightEntry;
import io.polyhook.broker.store.QueueSize;
import io.polyhook.broker.store.RecoveredSession;
import io.polyhook.broker.store.StoredSession;
import io.polyhook.broker.store.StoredWill;
import io.polyhook.spi.TopicSubscription;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The start-up read of every session: one pass over each per-session family in key order, joined
 * on the session number (every family is sorted by it), so the cost is one sequential read of the
 * session records and never a seek per session. Records of numbers without a session are removed.
 */
public final class Recovery {

    private final Database d;
    private final Set<Long> orphans = new HashSet<>();

    /** A recovery of {@code d}. */
    public Recovery(Database d) {
        this.d = d;
    }

    /** Hands every session to {@code each}. */
    public void run(Consumer<RecoveredSession> each) {
        try (RocksIterator sessions = d.db().newIterator(d.handle(Column.SESSIONS));
             Cursor subs = new Cursor(Column.SUBSCRIPTIONS);
             Cursor inFlight = new Cursor(Column.IN_FLIGHT);
             Cursor inbound = new Cursor(Column.INBOUND_QOS2);
             Cursor wills = new Cursor(Column.WILLS)) {
            for (sessions.seekToFirst(); sessions.isValid(); sessions.next()) {
                long no = Keys.sessionOf(sessions.key());
                StoredSession record = Records.session(sessions.value());
                SessionSlot slot = d.sessions().get(record.id());
                if (slot == null || slot.no() != no) {
                    // A left-over record of a session stored twice: its records go with it.
                    orphans.add(no);
                    continue;
                }
                List<TopicSubscription> subscriptions = new ArrayList<>();
                subs.take(no, (k, v) -> subscriptions.add(Records.subscription(Keys.filterOf(k), v)));
                List<InFlightEntry> entries = new ArrayList<>();
                inFlight.take(no, (k, v) -> entries.add(Records.inFlight(Keys.packetIdOf(k), v)));
                List<Integer> ids = new ArrayList<>();
                inbound.take(no, (k, v) -> ids.add(Keys.packetIdOf(k)));
                StoredWill[] will = new StoredWill[1];
                wills.take(no, (k, v) -> will[0] = Records.will(v));
                QueueSize queued = slot.ledger().size();
                each.accept(new RecoveredSession(record, subscriptions, queued, entries, ids, Optional.ofNullable(will[0])));
            }
            d.check(sessions, "reading sessions");
            for (Cursor c : List.of(subs, inFlight, inbound, wills)) {
                c.take(Long.MAX_VALUE, (k, v) -> { });
            }
        }
        removeOrphans();
    }

    private void removeOrphans() {
        if (orphans.isEmpty()) {
            return;
        }
        try (WriteBatch wb = new WriteBatch(); WriteOptions sync = new WriteOptions().setSync(true)) {
            for (long no : orphans) {
                RangeDeletes.session(d, wb, no);
            }
            d.db().write(sync, wb);
        } catch (RocksDBException e) {
            throw Failures.of(d.folder(), "removing records of removed sessions", e);
        }
    }

    /** An iterator over one family that hands out the records of one session number after another. */
    private final class Cursor implements AutoCloseable {
        private final RocksIterator it;
        private final Column column;

        Cursor(Column column) {
            this.column = column;
            this.it = d.db().newIterator(d.handle(column));
            it.seekToFirst();
        }

        /** Passes every record of {@code no} to {@code each}; the records of lower numbers (no session) are orphans. */
        void take(long no, java.util.function.BiConsumer<byte[], byte[]> each) {
            while (it.isValid()) {
                byte[] k = it.key();
                long n = Keys.sessionOf(k);
                if (n > no) {
                    return;
                }
                if (n < no) {
                    orphans.add(n);
                } else {
                    each.accept(k, it.value());
                }
                it.next();
            }
            d.check(it, "reading " + column.familyName());
        }

        @Override
        public void close() {
            it.close();
        }
    }
}
