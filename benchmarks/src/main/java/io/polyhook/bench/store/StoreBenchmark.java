package io.polyhook.bench.store;

import io.polyhook.broker.store.BrokerStore;
import io.polyhook.broker.store.InMemoryBrokerStore;
import io.polyhook.broker.store.QueueLimits;
import io.polyhook.broker.store.QueueOrder;
import io.polyhook.broker.store.QueuedMessage;
import io.polyhook.broker.store.StoreBatch;
import io.polyhook.broker.store.StoredMessage;
import io.polyhook.broker.store.StoredSession;
import io.polyhook.broker.config.SyncMode;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.MqttProperties;
import io.polyhook.spi.MqttVersion;
import io.polyhook.spi.SubscriberId;
import io.polyhook.store.rocksdb.RocksBrokerStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The durable store's cost per persistent-session QoS 1 message, per {@code persistence.sync} mode
 * ({@code memory}: the in-memory store, for comparison). Each thread is one publisher and one
 * subscriber's session:
 * <ul>
 *   <li>{@link #appendAndAck()}: append to the subscriber's queue and wait until the store allows the
 *       PUBACK (what a publisher waits for);</li>
 *   <li>{@link #appendDeliverAck()}: that, then the delivery: the message moves in flight and the
 *       subscriber's PUBACK removes it (the whole life of a message, three commits).</li>
 * </ul>
 * Four threads by default, so that {@code always} shows its group commit (one fsync for the
 * commits of every thread waiting). The store lives in a temporary folder under
 * {@code java.io.tmpdir} ({@code -Djava.io.tmpdir=...} to measure another disk).
 *
 * <p>Run: {@code java --enable-native-access=ALL-UNNAMED -jar benchmarks/target/benchmarks.jar StoreBenchmark}
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Threads(4)
@State(Scope.Benchmark)
public class StoreBenchmark {

    @Param({"memory", "batch", "always", "none"})
    public String sync;

    @Param({"256"})
    public int payloadBytes;

    private BrokerStore store;
    private Path folder;
    private final AtomicInteger sessions = new AtomicInteger();

    /** One thread's session and its packet ids. */
    @State(Scope.Thread)
    public static class Subscriber {
        SubscriberId id;
        int packetId;
        StoredMessage message;

        @Setup(Level.Trial)
        public void create(StoreBenchmark b) {
            id = new SubscriberId("", "bench-" + b.sessions.incrementAndGet());
            try (StoreBatch batch = b.store.batch()) {
                batch.putSession(StoredSession.connected(id, MqttVersion.V5, StoredSession.NEVER));
                batch.commit().toCompletableFuture().join();
            }
            byte[] payload = new byte[b.payloadBytes];
            ThreadLocalRandom.current().nextBytes(payload);
            message = new StoredMessage("bench/topic", 1, Bytes.wrap(payload), false, MqttProperties.EMPTY,
                    Optional.of("publisher"), List.of(), System.currentTimeMillis());
        }
    }

    @Setup(Level.Trial)
    public void open() throws IOException {
        if (sync.equals("memory")) {
            store = new InMemoryBrokerStore();
            return;
        }
        folder = Files.createTempDirectory("polyhook-store-bench");
        store = RocksBrokerStore.open(folder, SyncMode.of(sync).orElseThrow(), Duration.ofMillis(10));
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        store.close();
        if (folder != null) {
            try (Stream<Path> files = Files.walk(folder)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /** A publish to an offline persistent session: queued, then acknowledgeable. */
    @Benchmark
    public long appendAndAck(Subscriber s) {
        try (StoreBatch b = store.batch()) {
            // Bounded, as offline queues are: the oldest go once 100,000 wait.
            long seq = b.append(s.id, s.message, QueueLimits.messages(100_000)).seq();
            b.commit().toCompletableFuture().join();
            return seq;
        }
    }

    /** A message's whole life: queued and acknowledged to the publisher, sent, acknowledged by the subscriber. */
    @Benchmark
    public int appendDeliverAck(Subscriber s) {
        appendAndAck(s);
        List<QueuedMessage> head = store.readQueue(s.id, QueueOrder.OLDEST_FIRST, QueueOrder.OLDEST_FIRST.start(), 1);
        int pid = s.packetId = s.packetId == 65_535 ? 1 : s.packetId + 1;
        try (StoreBatch b = store.batch()) {
            b.moveToInFlight(s.id, head.getFirst().seq(), pid);
            b.commit();
        }
        try (StoreBatch b = store.batch()) {
            b.removeInFlight(s.id, pid);
            b.commit().toCompletableFuture().join();
        }
        return pid;
    }
}
