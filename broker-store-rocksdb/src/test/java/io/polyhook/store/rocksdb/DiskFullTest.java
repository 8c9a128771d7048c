package io.polyhook.store.rocksdb;

import io.polyhook.broker.store.QueueLimits;
import io.polyhook.broker.store.QueueOrder;
import io.polyhook.broker.store.StoreBatch;
import io.polyhook.broker.store.StoreException;
import io.polyhook.broker.store.StoredMessage;
import io.polyhook.broker.config.SyncMode;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.MqttProperties;
import io.polyhook.spi.SubscriberId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static io.polyhook.store.rocksdb.Fixtures.commit;
import static io.polyhook.store.rocksdb.Fixtures.id;
import static io.polyhook.store.rocksdb.Fixtures.readAll;
import static io.polyhook.store.rocksdb.Fixtures.session;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A full disk, for real: the store lives on a small tmpfs (mounting one needs root, which the
 * project's machines and CI have). Commits fail with a clear error once it is full; after space
 * is freed, every message acknowledged before is there.
 */
class DiskFullTest {

    @TempDir
    Path dir;

    @Test
    void aFullDiskFailsTheCommitClearlyAndLosesNothingAcknowledged() throws Exception {
        Path mount = dir.resolve("small");
        Files.createDirectories(mount);
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=32m", "tmpfs", mount.toString()) == 0,
                "mounting a tmpfs needs root");
        try {
            Path folder = mount.resolve("store");
            SubscriberId id = id("c");
            List<String> acknowledged = new ArrayList<>();
            StoreException failure = null;
            byte[] filler = new byte[32 * 1024];
            Arrays.fill(filler, (byte) 'x');
            try (RocksBrokerStore store = RocksBrokerStore.open(folder, SyncMode.ALWAYS, Duration.ofMillis(10))) {
                commit(store, b -> b.putSession(session(id)));
                for (int i = 0; i < 10_000 && failure == null; i++) {
                    String head = i + ":";
                    byte[] payload = Arrays.copyOf(head.getBytes(), filler.length);
                    System.arraycopy(filler, 0, payload, head.length(), filler.length - head.length());
                    StoredMessage m = new StoredMessage("t", 1, Bytes.wrap(payload), false, MqttProperties.EMPTY,
                            Optional.empty(), List.of(), Fixtures.T0);
                    try (StoreBatch b = store.batch()) {
                        b.append(id, m, QueueLimits.NONE);
                        b.commit().toCompletableFuture().join();
                        acknowledged.add(head);
                    } catch (StoreException e) {
                        failure = e;
                    } catch (java.util.concurrent.CompletionException e) {
                        failure = (StoreException) e.getCause();
                    }
                }
            }
            assertThat(failure).as("the disk filled up").isNotNull();
            assertThat(failure.kind()).isEqualTo(StoreException.Kind.DISK_FULL);
            assertThat(failure.getMessage()).startsWith("persistence store " + folder + ": the disk is full")
                    .contains("free space and restart the broker").doesNotContain("\n");
            assertThat(acknowledged).hasSizeGreaterThan(10);

            assertThat(run("mount", "-o", "remount,size=256m", mount.toString())).isZero();
            try (RocksBrokerStore store = RocksBrokerStore.open(folder, SyncMode.BATCH, Duration.ofMillis(10))) {
                List<String> heads = readAll(store, id, QueueOrder.OLDEST_FIRST, 64).stream()
                        .map(q -> q.message().payload().toUtf8String())
                        .map(p -> p.substring(0, p.indexOf(':') + 1)).toList();
                assertThat(heads).startsWith(acknowledged.toArray(String[]::new));
                assertThat(heads.size()).isLessThanOrEqualTo(acknowledged.size() + 1);
            }
        } finally {
            run("umount", "-l", mount.toString());
        }
    }

    private static int run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }
}
