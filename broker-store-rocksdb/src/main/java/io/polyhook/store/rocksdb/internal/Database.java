package io.polyhook.store.rocksdb.internal;

import io.polyhook.broker.store.StoreException;
import io.polyhook.broker.config.SyncMode;
import io.polyhook.broker.store.QueueLedger;
import io.polyhook.broker.store.StoreLatencies;
import io.polyhook.spi.SubscriberId;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.FlushOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.TimeUnit;

/**
 * The opened store: the RocksDB instance with its column families, the sessions by identity
 * (number and queue accounting: a few numbers per session, never per message), the fsync
 * thread and the numbers for metrics. Every use (a read, a batch from creation to commit or
 * close) is counted, and {@link #close()} waits for the count to drop to zero, so no thread
 * touches the native database after it is gone.
 */
public final class Database implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    private final Path folder;
    private final Tuning tuning;
    private final RocksDB db;
    private final Map<Column, ColumnFamilyHandle> handles;
    private final WriteOptions writeOptions = new WriteOptions();
    private final Map<SubscriberId, SessionSlot> sessions = new ConcurrentHashMap<>();
    private final QueueLedger.Totals totals = new QueueLedger.Totals();
    private final LongAdder writes = new LongAdder();
    private final LongAdder syncs = new LongAdder();
    private volatile StoreLatencies latencies = StoreLatencies.NONE;
    private final AtomicLong nextSessionNo = new AtomicLong(1);
    private final AtomicLong users = new AtomicLong();
    private final Object closing = new Object();
    private final WalSyncer syncer;
    private volatile boolean closed;

    private Database(Path folder, Tuning tuning, RocksDB db, Map<Column, ColumnFamilyHandle> handles, SyncMode sync,
                     Duration interval) {
        this.folder = folder;
        this.tuning = tuning;
        this.db = db;
        this.handles = handles;
        this.syncer = new WalSyncer(db, sync, interval, this::synced, folder);
    }

    /**
     * Opens the store in {@code folder}, creating it if the folder is empty or absent, and loads
     * the sessions.
     *
     * @throws StoreException locked, incompatible, damaged, or any other I/O error, with what to do
     */
    public static Database open(Path folder, SyncMode sync, Duration interval) {
        RocksDB.loadLibrary();
        boolean existing = StoreFolder.prepare(folder);
        Tuning tuning = new Tuning();
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        for (Column c : Column.values()) {
            descriptors.add(new ColumnFamilyDescriptor(c.nameBytes(), tuning.options(c)));
        }
        List<ColumnFamilyHandle> opened = new ArrayList<>();
        RocksDB db;
        try {
            db = RocksDB.open(tuning.db(), folder.toString(), descriptors, opened);
        } catch (RocksDBException e) {
            tuning.close();
            throw Failures.of(folder, "opening", e);
        }
        Map<Column, ColumnFamilyHandle> handles = new EnumMap<>(Column.class);
        for (int i = 0; i < opened.size(); i++) {
            handles.put(Column.values()[i], opened.get(i));
        }
        Database d = null;
        try {
            StoreFolder.checkFormat(folder, db, handles.get(Column.META), existing);
            d = new Database(folder, tuning, db, handles, sync, interval);
            new SessionLoader(d).load();
            return d;
        } catch (RuntimeException e) {
            if (d != null) {
                // Refused: leave the folder as it is, no flush.
                d.close(false);
            } else {
                handles.values().forEach(ColumnFamilyHandle::close);
                db.close();
                tuning.close();
            }
            throw e instanceof CorruptRecordException c ? Failures.corrupt(folder, c.getMessage(), c) : e;
        }
    }

    /** The store's folder. */
    public Path folder() {
        return folder;
    }

    /** The database, for reads and writes between {@link #enter()} and {@link #exit()}. */
    public RocksDB db() {
        return db;
    }

    /** The handle of a column family. */
    public ColumnFamilyHandle handle(Column c) {
        return handles.get(c);
    }

    /** The options of every commit: the log is written, not fsync'd (the syncer does that). */
    WriteOptions writeOptions() {
        return writeOptions;
    }

    /** The stored sessions by identity. */
    public Map<SubscriberId, SessionSlot> sessions() {
        return sessions;
    }

    /** A slot for a new session: the next number, an empty queue. */
    SessionSlot newSlot() {
        return slot(nextSessionNo.getAndIncrement(), QueueLedger.empty(totals));
    }

    /** A slot for a session found at start-up. */
    SessionSlot slot(long no, QueueLedger ledger) {
        return new SessionSlot(no, ledger, new QueueView(this, no));
    }

    /** Session numbers handed out from now on are above {@code no}. */
    void numbersAbove(long no) {
        nextSessionNo.accumulateAndGet(no + 1, Math::max);
    }

    /** The queued totals of every session, for metrics. */
    public QueueLedger.Totals totals() {
        return totals;
    }

    /** Commits so far. */
    public long writes() {
        return writes.sum();
    }

    /** Fsyncs so far. */
    public long syncs() {
        return syncs.sum();
    }

    /** A commit wrote the log in {@code nanos}. */
    void wrote(long nanos) {
        writes.increment();
        latencies.write(nanos);
    }

    private void synced(long nanos) {
        syncs.increment();
        latencies.sync(nanos);
    }

    /** Where the latencies of commits and fsyncs go from now on. */
    public void reportLatencies(StoreLatencies value) {
        latencies = value;
    }

    /** The fsync thread. */
    public WalSyncer syncer() {
        return syncer;
    }

    /** Starts a use of the database, on any thread; throws if it is closed. Pair with {@link #exit()}. */
    public void enter() {
        users.incrementAndGet();
        // Read after the increment: close() sets the flag before it reads the count, so one of us sees the other.
        if (closed) {
            exit();
            throw new StoreException(StoreException.Kind.CLOSED, folder, "the store is closed");
        }
    }

    /** Ends a use of the database. */
    public void exit() {
        if (users.decrementAndGet() == 0 && closed) {
            synchronized (closing) {
                closing.notifyAll();
            }
        }
    }

    /** Throws the store's error if an iterator stopped on one rather than at its end. */
    public void check(RocksIterator it, String doing) {
        try {
            it.status();
        } catch (RocksDBException e) {
            throw Failures.of(folder, doing, e);
        }
    }

    /** A value of {@code c}, or null. */
    public byte[] get(Column c, byte[] key) {
        enter();
        try {
            return db.get(handles.get(c), key);
        } catch (RocksDBException e) {
            throw Failures.of(folder, "reading", e);
        } finally {
            exit();
        }
    }

    private void flushMemtables() {
        try (FlushOptions o = new FlushOptions().setWaitForFlush(true)) {
            db.flush(o, new ArrayList<>(handles.values()));
        } catch (RocksDBException e) {
            // The log holds every change: the next start replays it instead.
            LOG.warn("{}", Failures.of(folder, "flushing at shutdown", e).getMessage());
        }
    }

    /** Fsyncs the log, flushes the memtables (a faster next start), and releases the folder. */
    @Override
    public void close() {
        close(true);
    }

    private void close(boolean flush) {
        synchronized (closing) {
            if (closed) {
                return;
            }
            closed = true;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            long left;
            while (users.get() > 0 && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(closing, Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            syncer.close();
            if (users.get() > 0) {
                // A batch never closed, or a read that hangs: freeing the database under it would crash the JVM.
                LOG.error("persistence store {}: {} uses still open after 30 s; the log is fsync'd, the database is left"
                        + " open until the process ends", folder, users.get());
                return;
            }
            if (flush) {
                flushMemtables();
            }
            handles.values().forEach(ColumnFamilyHandle::close);
            db.close();
            writeOptions.close();
            tuning.close();
        }
    }
}
