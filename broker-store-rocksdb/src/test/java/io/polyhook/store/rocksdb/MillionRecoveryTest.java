package io.polyhook.store.rocksdb;

import io.polyhook.broker.store.QueueLimits;
import io.polyhook.broker.store.QueueOrder;
import io.polyhook.broker.store.QueuedMessage;
import io.polyhook.broker.store.StoreBatch;
import io.polyhook.broker.store.StoredMessage;
import io.polyhook.broker.config.SyncMode;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.MqttProperties;
import io.polyhook.spi.SubscriberId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import static io.polyhook.store.rocksdb.Fixtures.id;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A million queued messages at start-up: the store opens and recovers them without holding them
 * in the heap. Prints what it measured (time to open and recover, heap kept); asserts only the
 * heap bound, which does not depend on the machine's speed.
 */
class MillionRecoveryTest {

    private static final int SESSIONS = 100;
    private static final int PER_SESSION = 10_000;
    private static final int PAYLOAD = 100;

    @TempDir
    Path dir;

    @Test
    void aMillionQueuedMessagesAreRecoveredWithoutHoldingThemInTheHeap() {
        Path folder = dir.resolve("store");
        // Incompressible payloads, so the size on disk is what real traffic would take.
        java.util.Random random = new java.util.Random(1);
        long fillStart = System.nanoTime();
        try (RocksBrokerStore store = RocksBrokerStore.open(folder, SyncMode.NONE, Duration.ofMillis(10))) {
            Fixtures.commit(store, b -> {
                for (int s = 0; s < SESSIONS; s++) {
                    b.putSession(Fixtures.session(id("c" + s)));
                }
            });
            for (int i = 0; i < PER_SESSION; i += 100) {
                try (StoreBatch b = store.batch()) {
                    for (int s = 0; s < SESSIONS; s++) {
                        for (int k = i; k < i + 100; k++) {
                            byte[] payload = new byte[PAYLOAD];
                            random.nextBytes(payload);
                            b.append(id("c" + s), new StoredMessage("q/" + s, 1, Bytes.wrap(payload), false,
                                    MqttProperties.EMPTY, Optional.of("p"), List.of(), k), QueueLimits.NONE);
                        }
                    }
                    b.commit();
                }
            }
        }
        double fillSeconds = (System.nanoTime() - fillStart) / 1e9;

        long heapBefore = usedHeapAfterGc();
        long start = System.nanoTime();
        AtomicLong queued = new AtomicLong();
        RocksBrokerStore store = RocksBrokerStore.open(folder, SyncMode.BATCH, Duration.ofMillis(10));
        double openSeconds = (System.nanoTime() - start) / 1e9;
        store.recover(r -> queued.addAndGet(r.queued().messages()));
        double recoverSeconds = (System.nanoTime() - start) / 1e9;
        long heapKept = usedHeapAfterGc() - heapBefore;
        try {
            System.out.printf("million recovery: filled %d messages in %.1f s; open %.3f s, open+recover %.3f s;"
                            + " heap kept by the open store %.1f MB; store on disk %.1f MB%n",
                    queued.get(), fillSeconds, openSeconds, recoverSeconds, heapKept / 1e6,
                    store.metrics().diskBytes() / 1e6);
            assertThat(queued.get()).isEqualTo((long) SESSIONS * PER_SESSION);
            assertThat(store.metrics().queuedMessages()).isEqualTo((long) SESSIONS * PER_SESSION);
            assertThat(heapKept).as("heap kept for a million queued messages").isLessThan(32L * 1024 * 1024);
            List<QueuedMessage> head = store.readQueue(id("c42"), QueueOrder.OLDEST_FIRST, -1, 3);
            assertThat(head).extracting(q -> q.message().receivedAtMillis()).containsExactly(0L, 1L, 2L);
            List<QueuedMessage> tail = store.readQueue(id("c42"), QueueOrder.NEWEST_FIRST, Long.MAX_VALUE, 1);
            assertThat(tail.getFirst().message().receivedAtMillis()).isEqualTo(PER_SESSION - 1);
        } finally {
            store.close();
        }
    }

    private static long usedHeapAfterGc() {
        var memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
