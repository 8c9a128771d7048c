package io.polyhook.cluster.infinispan;

import io.polyhook.broker.config.ClusterSettings;
import io.polyhook.broker.cluster.ClusterView;
import io.polyhook.broker.cluster.NetsplitState;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Nodes of one cluster in this JVM on 127.0.0.1, every port chosen by the OS: the first node
 * starts alone, each later one has the earlier ones as seeds.
 */
final class TestCluster implements AutoCloseable {

    /** Quick failure detection and merges, so crashes and splits show within seconds. */
    static final ClusterTuning TUNING = new ClusterTuning(Duration.ofSeconds(3), Duration.ofSeconds(3),
            Duration.ofSeconds(2), Duration.ofSeconds(15), 64L << 20, true);
    /** Generous: this machine has two busy cores. */
    static final Duration PATIENCE = Duration.ofSeconds(60);

    final List<InfinispanCluster> nodes = new ArrayList<>();
    final List<Long> joinMillis = new ArrayList<>();

    static ClusterSettings settings(String name, List<ClusterSettings.Endpoint> seeds) {
        ClusterSettings.Endpoint any = new ClusterSettings.Endpoint("127.0.0.1", 0);
        return new ClusterSettings(true, name, any, seeds, any, false, true, true);
    }

    /** Starts {@code count} nodes named node1.. and waits until each sees all of them. */
    static TestCluster of(int count) {
        TestCluster c = new TestCluster();
        try {
            for (int i = 1; i <= count; i++) {
                c.add("node" + i);
            }
            c.awaitMembers(count);
            return c;
        } catch (RuntimeException | Error e) {
            c.close();
            throw e;
        }
    }

    /** Starts one more node with the current nodes as seeds. */
    InfinispanCluster add(String name) {
        InfinispanCluster n = InfinispanCluster.start(settings(name, seeds()), TUNING);
        nodes.add(n);
        joinMillis.add(n.joinMillis());
        return n;
    }

    List<ClusterSettings.Endpoint> seeds() {
        List<ClusterSettings.Endpoint> seeds = new ArrayList<>();
        for (InfinispanCluster n : nodes) {
            seeds.add(new ClusterSettings.Endpoint("127.0.0.1", n.jgroupsAddress().getPort()));
        }
        return seeds;
    }

    InfinispanCluster node(int i) {
        return nodes.get(i - 1);
    }

    void awaitMembers(int count) {
        await("every node sees " + count + " members", () -> nodes.stream().allMatch(n -> {
            ClusterView v = n.membership().view();
            return v.members().size() == count && v.netsplit() == NetsplitState.NONE;
        }));
    }

    /** Waits for {@code condition}, re-checking it until {@link #PATIENCE} runs out. */
    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                // What the cluster's own threads are stuck on, for the failure report.
                Thread.getAllStackTraces().forEach((t, stack) -> {
                    if (t.getName().startsWith("polyhook-cluster")) {
                        System.out.println("thread " + t.getName() + " " + t.getState());
                        for (int i = 0; i < Math.min(stack.length, 25); i++) {
                            System.out.println("    at " + stack[i]);
                        }
                    }
                });
                throw new AssertionError("timed out waiting until " + what);
            }
            // Polling a condition with a deadline, not sleeping for a guessed time.
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
        }
    }

    @Override
    public void close() {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            try {
                nodes.get(i).close();
            } catch (RuntimeException e) {
                // Best effort: the JVM ends with the test run.
            }
        }
        nodes.clear();
    }
}
