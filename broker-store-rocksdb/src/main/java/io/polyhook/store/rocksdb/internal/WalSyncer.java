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

/**
 * The one thread that fsyncs the write-ahead log; commits only write it (to the page cache).
 *
 * <ul>
 *   <li>{@link SyncMode#BATCH}: every {@code sync_interval}, if anything was written since the last fsync.</li>
 *   <li>{@link SyncMode#ALWAYS}: as soon as a commit waits for it; the commits that arrive while
 *       an fsync runs share the next one (group commit), so one fsync covers many messages.</li>
 *   <li>{@link SyncMode#NONE}: no thread; only {@link #close()} syncs.</li>
 * </ul>
 */
public final class WalSyncer implements AutoCloseable {

    private static final CompletionStage<Void> DONE = CompletableFuture.completedFuture(null);

    private enum State { RUNNING, STOPPING, STOPPED }

    private final RocksDB db;
    private final SyncMode mode;
    private final long intervalNanos;
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
        this.db = db;
        this.mode = mode;
        this.intervalNanos = interval.toNanos();
        this.synced = synced;
        this.folder = folder;
        if (mode == SyncMode.NONE) {
            thread = null;
        } else {
            thread = Thread.ofPlatform().daemon().name("polyhook-store-sync").unstarted(
                    mode == SyncMode.ALWAYS ? this::syncOnDemand : this::syncEveryInterval);
            thread.start();
        }
    }

    /** A commit wrote the log. */
    public void written() {
        if (!dirty) {
            dirty = true;
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

    private void syncEveryInterval() {
        while (true) {
            lock.lock();
            try {
                if (state != State.RUNNING) {
                    return;
                }
                wake.awaitNanos(intervalNanos);
                if (state != State.RUNNING) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            if (dirty) {
                sync();
            }
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
            db.syncWal();
            synced.accept(System.nanoTime() - start);
            return null;
        } catch (RocksDBException e) {
            StoreException f = Failures.of(folder, "syncing the write-ahead log", e);
            failure = f;
            return f;
        }
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
