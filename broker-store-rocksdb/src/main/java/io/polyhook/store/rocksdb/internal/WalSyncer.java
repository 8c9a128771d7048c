package io.polyhook.store.rocksdb.internal;

import io.polyhook.broker.store.StoreException;
import io.polyhook.broker.config.SyncMode;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * The one thread that fsyncs the write-ahead log; commits only write it (to the page cache).
 *
 * <ul>
 *   <li>{@link SyncMode#BATCH}: once something was written, {@code sync_interval} after the last
 *       fsync (at once after a quiet spell), so a write is fsync'd at most {@code sync_interval}
 *       after it; while nothing is written the thread sleeps without waking.</li>
 *   <li>{@link SyncMode#ALWAYS}: as soon as a commit waits for it; the commits that arrive while
 *       an fsync runs share the next one (group commit), so one fsync covers many messages.</li>
 *   <li>{@link SyncMode#NONE}: no thread; only {@link #close()} syncs.</li>
 * </ul>
 */
public final class WalSyncer implements AutoCloseable {

    private static final CompletionStage<Void> DONE = CompletableFuture.completedFuture(null);

    private enum State { RUNNING, STOPPING, STOPPED }

    /** The fsync of the log. */
    @FunctionalInterface
    interface Fsync {
        void run() throws RocksDBException;
    }

    private final Fsync fsync;
    private final SyncMode mode;
    private final long intervalNanos;
    private final LongSupplier clock;
    private final LongConsumer synced;
    private final Path folder;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private List<CompletableFuture<Void>> waiting = new ArrayList<>();
    private State state = State.RUNNING;
    private volatile boolean dirty;
    private volatile StoreException failure;
    private final Thread thread;

    /** Starts the thread the mode needs; {@code synced} gets the duration of each fsync. */
    public WalSyncer(RocksDB db, SyncMode mode, Duration interval, LongConsumer synced, Path folder) {
        this(db::syncWal, mode, interval, System::nanoTime, synced, folder);
    }

    /** As above, with the fsync and the clock ({@link System#nanoTime()}'s) given: tests move time. */
    WalSyncer(Fsync fsync, SyncMode mode, Duration interval, LongSupplier clock, LongConsumer synced, Path folder) {
        this.fsync = fsync;
        this.mode = mode;
        this.intervalNanos = interval.toNanos();
        this.clock = clock;
        this.synced = synced;
        this.folder = folder;
        if (mode == SyncMode.NONE) {
            thread = null;
        } else {
            thread = Thread.ofPlatform().daemon().name("polyhook-store-sync").unstarted(
                    mode == SyncMode.ALWAYS ? this::syncOnDemand : this::syncWhenDue);
            thread.start();
        }
    }

    /** A commit wrote the log. */
    public void written() {
        if (!dirty) {
            // The first write since the last fsync (at most one per interval): wake the batch thread.
            dirty = true;
            if (mode == SyncMode.BATCH) {
                lock.lock();
                try {
                    wake.signal();
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    /**
     * Completes once everything written before this call is as durable as the mode promises: at
     * once for {@code batch} and {@code none} (the log is written), after the next fsync for {@code always}.
     */
    public CompletionStage<Void> durable() {
        StoreException f = failure;
        if (f != null) {
            return CompletableFuture.failedFuture(f);
        }
        if (mode != SyncMode.ALWAYS) {
            return DONE;
        }
        CompletableFuture<Void> w = new CompletableFuture<>();
        lock.lock();
        try {
            if (state != State.RUNNING) {
                w.completeExceptionally(new StoreException(StoreException.Kind.CLOSED, folder, "the store is closed"));
                return w;
            }
            waiting.add(w);
            wake.signal();
        } finally {
            lock.unlock();
        }
        return w;
    }

    private void syncWhenDue() {
        // So that the first write is fsync'd at once.
        long lastSync = clock.getAsLong() - intervalNanos;
        while (true) {
            lock.lock();
            try {
                // Nothing written: sleep until a commit signals (an idle broker costs no wake-up).
                while (!dirty && state == State.RUNNING) {
                    wake.awaitUninterruptibly();
                }
                // Written: the fsync is due an interval after the last one, so that one covers
                // everything written meanwhile; a write comes after the last fsync began, so it
                // waits at most the interval.
                long due = lastSync + intervalNanos;
                long left;
                while (state == State.RUNNING && (left = due - clock.getAsLong()) > 0) {
                    wake.awaitNanos(left);
                }
                if (state != State.RUNNING) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            lastSync = clock.getAsLong();
            sync();
        }
    }

    private void syncOnDemand() {
        while (true) {
            List<CompletableFuture<Void>> batch;
            lock.lock();
            try {
                while (waiting.isEmpty() && state == State.RUNNING) {
                    wake.awaitUninterruptibly();
                }
                if (waiting.isEmpty()) {
                    return;
                }
                batch = waiting;
                waiting = new ArrayList<>();
            } finally {
                lock.unlock();
            }
            // Everything these waiters committed was written before they registered, so before this fsync.
            StoreException f = sync();
            for (CompletableFuture<Void> w : batch) {
                if (f == null) {
                    w.complete(null);
                } else {
                    w.completeExceptionally(f);
                }
            }
        }
    }

    /** One fsync of the log; the error, if it failed (kept: later waiters fail at once). */
    private StoreException sync() {
        dirty = false;
        long start = System.nanoTime();
        try {
            fsync.run();
            synced.accept(System.nanoTime() - start);
            return null;
        } catch (RocksDBException e) {
            StoreException f = Failures.of(folder, "syncing the write-ahead log", e);
            failure = f;
            return f;
        }
    }

    /** What the fsync thread does now (none with {@code sync: none}). */
    Thread.State threadState() {
        return thread == null ? Thread.State.TERMINATED : thread.getState();
    }

    /** Stops the thread after it served every waiter, then fsyncs once more. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (state != State.RUNNING) {
                return;
            }
            state = State.STOPPING;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
        if (thread != null) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        sync();
        lock.lock();
        try {
            state = State.STOPPED;
        } finally {
            lock.unlock();
        }
    }
}
