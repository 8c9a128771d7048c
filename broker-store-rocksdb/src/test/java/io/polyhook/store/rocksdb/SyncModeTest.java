package io.polyhook.store.rocksdb;

import io.polyhook.broker.store.QueueLimits;
import io.polyhook.broker.store.StoreBatch;
import io.polyhook.broker.config.SyncMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import static io.polyhook.store.rocksdb.Fixtures.commit;
import static io.polyhook.store.rocksdb.Fixtures.id;
import static io.polyhook.store.rocksdb.Fixtures.message;
import static io.polyhook.store.rocksdb.Fixtures.session;
import static org.assertj.core.api.Assertions.assertThat;

/** When the acknowledgement of a commit may go out, and who fsyncs, per sync mode. */
class SyncModeTest {

    @TempDir
    Path dir;

    private RocksBrokerStore open(SyncMode mode, Duration interval) {
        RocksBrokerStore store = RocksBrokerStore.open(dir.resolve(mode.configName()), mode, interval);
        commit(store, b -> b.putSession(session(id("c"))));
        return store;
    }

    private static CompletionStage<Void> append(RocksBrokerStore store) {
        try (StoreBatch b = store.batch()) {
            b.append(id("c"), message("t", "x"), QueueLimits.NONE);
            return b.commit();
        }
    }

    @Test
    void alwaysAcknowledgesOnlyAfterAnFsyncAndSharesFsyncsBetweenWaitingCommits() {
        try (RocksBrokerStore store = open(SyncMode.ALWAYS, Duration.ofMillis(10))) {
            List<CompletableFuture<Void>> stages = new ArrayList<>();
            long[] syncsBefore = new long[200];
            for (int i = 0; i < 200; i++) {
                syncsBefore[i] = store.metrics().syncs();
                stages.add(append(store).toCompletableFuture());
            }
            for (int i = 0; i < stages.size(); i++) {
                long before = syncsBefore[i];
                // When a stage completes, an fsync that began after its commit has ended.
                stages.get(i).thenRun(() -> assertThat(store.metrics().syncs()).isGreaterThan(before)).join();
            }
            long syncs = store.metrics().syncs();
            System.out.printf("sync always: 200 commits acknowledged after %d fsyncs%n", syncs);
            assertThat(syncs).isBetween(1L, 201L);
        }
    }

    @Test
    void batchAcknowledgesOnceTheLogIsWrittenAndFsyncsInTheBackground() throws Exception {
        try (RocksBrokerStore store = open(SyncMode.BATCH, Duration.ofMillis(5))) {
            CompletableFuture<Void> stage = append(store).toCompletableFuture();
            assertThat(stage).isDone();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (store.metrics().syncs() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(store.metrics().syncs()).as("the background fsync ran").isPositive();
        }
    }

    @Test
    void noneNeverFsyncsWhileRunning() {
        try (RocksBrokerStore store = open(SyncMode.NONE, Duration.ofMillis(1))) {
            for (int i = 0; i < 50; i++) {
                assertThat(append(store).toCompletableFuture()).isDone();
            }
            assertThat(store.barrier().toCompletableFuture()).isDone();
            assertThat(store.metrics().syncs()).isZero();
            assertThat(store.metrics().writes()).isEqualTo(51);
        }
    }
}
