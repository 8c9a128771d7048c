package io.polyhook.store.rocksdb.internal;

import io.polyhook.broker.config.SyncMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sync: batch} on a clock the test moves: a write is fsync'd no later than
 * {@code sync_interval} after it, and a store nothing is written to never wakes its thread.
 */
class WalSyncerTest {

    private static final long INTERVAL = Duration.ofMillis(10).toNanos();
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final AtomicLong clockReads = new AtomicLong();
    private final AtomicInteger fsyncs = new AtomicInteger();
    private final WalSyncer syncer = new WalSyncer(fsyncs::incrementAndGet, SyncMode.BATCH, Duration.ofNanos(INTERVAL),
            () -> {
                clockReads.incrementAndGet();
                return now.get();
            }, nanos -> { }, Path.of("test-store"));

    @AfterEach
    void close() {
        syncer.close();
    }

    @Test
    void withNothingWrittenTheThreadSleepsWithoutATimeout() {
        // WAITING: parked until a write; a periodic wake-up would show TIMED_WAITING.
        await(() -> syncer.threadState() == Thread.State.WAITING);

        assertThat(fsyncs).hasValue(0);
    }

    @Test
    void theFirstWriteAfterAQuietSpellIsSyncedAtOnce() {
        await(() -> syncer.threadState() == Thread.State.WAITING);

        syncer.written();

        await(() -> fsyncs.get() == 1);
    }

    @Test
    void aWriteIsSyncedOneIntervalAfterTheLastFsyncSoNoLaterThanTheIntervalAfterIt() {
        syncer.written();
        await(() -> fsyncs.get() == 1);
        long lastFsync = now.get();

        now.addAndGet(INTERVAL / 10);
        syncer.written();
        // The thread looks at the clock again and again, and does not fsync before its time.
        long reads = clockReads.get();
        await(() -> clockReads.get() >= reads + 3);
        now.set(lastFsync + INTERVAL - 1);
        long later = clockReads.get();
        await(() -> clockReads.get() >= later + 3);
        assertThat(fsyncs).hasValue(1);

        now.set(lastFsync + INTERVAL);

        await(() -> fsyncs.get() == 2);
        // Then nothing more is written: the thread sleeps again, no fsync follows.
        await(() -> syncer.threadState() == Thread.State.WAITING);
        assertThat(fsyncs).hasValue(2);
    }

    @Test
    void writesDuringTheIntervalShareOneFsync() {
        syncer.written();
        await(() -> fsyncs.get() == 1);
        long lastFsync = now.get();

        for (int i = 1; i <= 5; i++) {
            now.set(lastFsync + i * INTERVAL / 10);
            syncer.written();
        }
        now.set(lastFsync + INTERVAL);

        await(() -> fsyncs.get() == 2);
        await(() -> syncer.threadState() == Thread.State.WAITING);
        assertThat(fsyncs).hasValue(2);
    }

    private static void await(BooleanSupplier condition) {
        long end = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met within %s", WAIT).isLessThan(end);
            try {
                TimeUnit.MILLISECONDS.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
