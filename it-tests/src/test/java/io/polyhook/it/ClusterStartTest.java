package io.polyhook.it;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.polyhook.broker.PolyhookBroker;
import io.polyhook.broker.ScriptsNotLoadedException;
import io.polyhook.broker.cluster.ClusterFactory;
import io.polyhook.broker.store.StoreException;
import io.polyhook.cluster.infinispan.InfinispanCluster;
import io.polyhook.store.rocksdb.RocksBrokerStore;
import io.polyhook.broker.config.SyncMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A clustered node's start, whose join runs beside the store, the injector and the plugins: a node
 * that cannot join does not start, a start that fails while the node joins leaves the cluster, and
 * in both directions nothing is left running (no thread, no port, the store released). A node
 * accepts clients only once it is a member.
 */
class ClusterStartTest {

    /** Threads the JVM or a library keeps for the whole JVM once made, whoever made them first. */
    private static final List<String> JVM_WIDE = List.of("ForkJoinPool.commonPool", "globalEventExecutor",
            "Common-Cleaner", "process reaper", "Attach Listener", "surefire", "junit", "Notification Thread");

    @TempDir
    Path dir;

    @Test
    void aNodeThatCannotJoinDoesNotStartAndLeavesNothingRunning() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Path config = config("joiner", taken.getLocalPort(), 0, "");
            // What the node says when it cannot join, asked of the engine directly.
            String cannotJoin = catchMessage(() -> InfinispanCluster.start(
                    io.polyhook.broker.config.BrokerConfig.load(config).cluster()));
            Set<Thread> before = Thread.getAllStackTraces().keySet();

            assertThatThrownBy(() -> PolyhookBroker.builder().discoverPlugins(false).config(config).start())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage(cannotJoin)
                    .hasMessageStartingWith("cluster node joiner cannot start:");

            assertNothingLeftSince(before);
            assertStoreReleased();
        }
    }

    @Test
    void aStoreThatCannotOpenWhileTheNodeJoinsStopsTheStartAndTheNodeLeaves() throws Exception {
        Path config = config("storeless", 0, 0, "");
        CountDownLatch failedWhileJoining = new CountDownLatch(1);
        CompletableFuture<InfinispanCluster> joined = new CompletableFuture<>();
        // The join holds on until the start, whose store has failed meanwhile, waits to leave the cluster.
        ClusterFactory heldJoin = settings -> {
            InfinispanCluster cluster = InfinispanCluster.start(settings, BrokerCluster.TUNING);
            joined.complete(cluster);
            awaitQuietly(failedWhileJoining);
            return cluster;
        };
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        Logger joinLog = (Logger) LoggerFactory.getLogger("io.polyhook.broker.ClusterJoin");
        AppenderBase<ILoggingEvent> onLeave = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent e) {
                if (e.getFormattedMessage().contains("leaves the cluster once the join has ended")) {
                    failedWhileJoining.countDown();
                }
            }
        };
        onLeave.start();
        joinLog.addAppender(onLeave);
        // The store is in use by another process, as far as the broker can tell.
        try (RocksBrokerStore held = RocksBrokerStore.open(dir.resolve("data"), SyncMode.BATCH, Duration.ofMillis(10))) {
            assertThatThrownBy(() -> PolyhookBroker.builder().discoverPlugins(false).config(config)
                    .clusterFactory(heldJoin).start())
                    .isInstanceOf(StoreException.class)
                    .satisfies(e -> assertThat(((StoreException) e).kind()).isEqualTo(StoreException.Kind.LOCKED));
        } finally {
            joinLog.detachAppender(onLeave);
        }
        assertThat(failedWhileJoining.getCount()).as("the store failed while the node was joining").isZero();
        InfinispanCluster cluster = joined.getNow(null);
        assertThat(cluster).as("the node had joined").isNotNull();
        assertNothingLeftSince(before);
        assertPortFree(cluster.jgroupsAddress());
        assertPortFree(cluster.dataPlaneAddress());
    }

    @Test
    void aScriptThatFailsToLoadStopsTheStartAndTheNodeLeaves() throws Exception {
        Files.createDirectories(dir.resolve("scripts"));
        Files.writeString(dir.resolve("scripts").resolve("broken.lua"), "function auth_on_register(reg)\n  return true\n");
        Path config = config("scripted", 0, 0, "scripts: { dir: scripts }\n");
        CompletableFuture<InfinispanCluster> joined = new CompletableFuture<>();
        Set<Thread> before = Thread.getAllStackTraces().keySet();

        ClusterFactory recorded = settings -> {
            InfinispanCluster cluster = InfinispanCluster.start(settings, BrokerCluster.TUNING);
            joined.complete(cluster);
            return cluster;
        };

        assertThatThrownBy(() -> PolyhookBroker.builder().discoverPlugins(false).config(config).clusterFactory(recorded)
                .start())
                .isInstanceOf(ScriptsNotLoadedException.class)
                .hasMessageContaining("broken.lua");

        assertNothingLeftSince(before);
        assertPortFree(joined.join().jgroupsAddress());
        assertStoreReleased();
    }

    @Test
    void aNodeAcceptsNoClientBeforeItIsAMember() throws Exception {
        int mqtt = freePort();
        Path config = config("late", 0, mqtt, "");
        CountDownLatch release = new CountDownLatch(1);
        ClusterFactory slowJoin = settings -> {
            awaitQuietly(release);
            return InfinispanCluster.start(settings, BrokerCluster.TUNING);
        };
        CompletableFuture<PolyhookBroker> started = new CompletableFuture<>();
        Thread starting = Thread.ofPlatform().name("test-start").start(() -> {
            try {
                started.complete(PolyhookBroker.builder().discoverPlugins(false).config(config).clusterFactory(slowJoin)
                        .start());
            } catch (Throwable e) {
                started.completeExceptionally(e);
            }
        });
        try {
            // The store, the injector and the plugins are ready; the start waits for the join.
            BrokerCluster.await("the start waits for the join", () -> waitsForTheJoin(starting));
            assertThatThrownBy(() -> new Socket("127.0.0.1", mqtt).close()).as("nobody listens yet")
                    .isInstanceOf(IOException.class);
            release.countDown();
            try (PolyhookBroker broker = started.get(90, TimeUnit.SECONDS)) {
                assertThat(broker.boundPort("tcp")).isEqualTo(mqtt);
                assertThat(broker.cluster().membership().view().members()).containsExactly("late");
            }
        } finally {
            release.countDown();
            starting.join(Duration.ofSeconds(90));
        }
    }

    private static boolean waitsForTheJoin(Thread starting) {
        return java.util.Arrays.stream(starting.getStackTrace()).anyMatch(f ->
                f.getClassName().equals("io.polyhook.broker.ClusterJoin") && f.getMethodName().equals("await"));
    }

    /**
     * A config file in {@code dir}: one node, its store in dir/data, the cluster's JGroups port
     * {@code bind} (0: any free one), its MQTT listener on {@code mqtt} (0: any free one).
     */
    private Path config(String node, int bind, int mqtt, String more) throws IOException {
        Path file = dir.resolve(node + ".yaml");
        Files.writeString(file, """
                broker: { allow_anonymous: true }
                listeners: [{ type: tcp, address: "127.0.0.1:%d" }]
                persistence: { enabled: true, dir: data }
                cluster:
                  enabled: true
                  node_name: %s
                  bind: "127.0.0.1:%d"
                  seeds: []
                  data_plane: "127.0.0.1:0"
                %s""".formatted(mqtt, node, bind, more));
        return file;
    }
    private void assertStoreReleased() {
        // A store still open would be LOCKED.
        RocksBrokerStore.open(dir.resolve("data"), SyncMode.BATCH, Duration.ofMillis(10)).close();
    }

    private static void assertNothingLeftSince(Set<Thread> before) {
        long deadline = System.nanoTime() + BrokerCluster.PATIENCE.toNanos();
        // Threads end a little after their pools are shut down: polled with a deadline.
        while (!left(before).isEmpty() && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
        }
        assertThat(left(before)).as("threads the start made that still run").isEmpty();
    }

    private static Set<String> left(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t) && t.isAlive())
                .map(Thread::getName)
                .filter(name -> JVM_WIDE.stream().noneMatch(name::startsWith))
                .collect(Collectors.toSet());
    }

    private static void assertPortFree(InetSocketAddress address) throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(address);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String catchMessage(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            return e.getMessage();
        }
        throw new AssertionError("expected a failure");
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(90, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
