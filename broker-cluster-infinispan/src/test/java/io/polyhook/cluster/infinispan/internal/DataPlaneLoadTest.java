package io.polyhook.cluster.infinispan.internal;

import io.polyhook.broker.cluster.RemoteDelivery;
import io.polyhook.broker.routing.Message;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.MqttProperties;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bounded load of the data plane: publishers on node a send small QoS 1 messages to node b as
 * fast as the link takes them. It prints the rate (no timing assertion: this machine is shared)
 * and checks that every message arrived in its publisher's order; when the peer's queue is full,
 * a publisher retries the refused send. Size it with
 * {@code -Dload.messages=N} (default 200,000) and {@code -Dload.publishers=P} (default 4).
 */
class DataPlaneLoadTest {

    @Test
    void everyMessageOfABoundedLoadArrivesInOrder() throws Exception {
        int total = Integer.getInteger("load.messages", 200_000);
        int publishers = Integer.getInteger("load.publishers", 4);
        int each = total / publishers;
        byte[] payload = new byte[64];
        try (DataPlanePair pair = new DataPlanePair(64L << 20)) {
            AtomicLongArray next = new AtomicLongArray(publishers);
            AtomicInteger disorder = new AtomicInteger();
            CountDownLatch all = new CountDownLatch(each * publishers);
            pair.b.onDelivery(d -> {
                int p = d.message().topic().charAt(5) - '0';
                long seq = d.id().sequence();
                // Each publisher's own sequence rides in the subscription ids' place: the first id.
                long expected = next.getAndIncrement(p);
                if (d.message().subscriptionIds().getFirst() != expected) {
                    disorder.incrementAndGet();
                }
                all.countDown();
            });
            List<Thread> threads = new ArrayList<>();
            long start = System.nanoTime();
            for (int p = 0; p < publishers; p++) {
                String topic = "load/" + p + "/t";
                threads.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < each; i++) {
                        Message m = new Message(topic, 1, Bytes.wrap(payload.clone()), false, MqttProperties.EMPTY,
                                java.util.Optional.of("pub"), List.of(i), System.nanoTime());
                        RemoteDelivery d = new RemoteDelivery(pair.a.newId(), "", m, true, List.of());
                        while (!pair.a.send("b", d)) {
                            // Back off instead of spinning: spinners would take the link's own cores.
                            java.util.concurrent.locks.LockSupport.parkNanos(100_000);
                        }
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            assertThat(all.await(300, TimeUnit.SECONDS)).isTrue();
            long nanos = System.nanoTime() - start;
            var stats = pair.a.stats();
            double seconds = nanos / 1e9;
            System.out.printf("data plane: %d messages of %d bytes from %d publishers in %.2f s: %.0f msg/s, %.1f MB/s on the wire,"
                            + " %d frames (%.0f messages per frame), %d sends refused by the full queue and retried%n",
                    each * publishers, payload.length, publishers, seconds, each * publishers / seconds,
                    stats.bytes() / seconds / 1e6, stats.frames(), (double) stats.sent() / Math.max(1, stats.frames()),
                    stats.dropped());
            assertThat(disorder.get()).isZero();
            assertThat(stats.sent()).isEqualTo((long) each * publishers);
            // A full queue refuses a send (counted as dropped); these publishers retry, so nothing is lost.
        }
    }
}
