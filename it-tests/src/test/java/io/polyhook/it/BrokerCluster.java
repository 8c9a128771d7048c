package io.polyhook.it;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import io.polyhook.broker.PolyhookBroker;
import io.polyhook.broker.cluster.NetsplitState;
import io.polyhook.broker.cluster.RemoteMatch;
import io.polyhook.broker.config.BrokerConfig;
import io.polyhook.broker.config.ClusterSettings;
import io.polyhook.cluster.infinispan.ClusterTuning;
import io.polyhook.cluster.infinispan.InfinispanCluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/**
 * Brokers of one cluster in this JVM, every port chosen by the OS on 127.0.0.1: the first node
 * starts alone, each later one has the earlier ones as seeds. Closing it disconnects the clients
 * it made, then stops the brokers (each leaves cleanly).
 */
final class BrokerCluster implements AutoCloseable {

    /** Quick failure detection and merges, so that crashes and splits show within seconds. */
    static final ClusterTuning TUNING = new ClusterTuning(Duration.ofSeconds(3), Duration.ofSeconds(3),
            Duration.ofSeconds(2), Duration.ofSeconds(15), 64L << 20, true);
    /** Generous: this machine has two busy cores. */
    static final Duration PATIENCE = Duration.ofSeconds(90);

    final List<PolyhookBroker> nodes = new ArrayList<>();
    private final List<Mqtt5BlockingClient> clients = new ArrayList<>();
    private final UnaryOperator<BrokerConfig> config;

    private BrokerCluster(UnaryOperator<BrokerConfig> config) {
        this.config = config;
    }

    /** Starts {@code count} brokers named node1.. and waits until each sees all of them. */
    static BrokerCluster of(int count) {
        return of(count, UnaryOperator.identity());
    }

    /** Starts {@code count} brokers named node1.., each with the tests' config changed by {@code config}. */
    static BrokerCluster of(int count, UnaryOperator<BrokerConfig> config) {
        BrokerCluster c = new BrokerCluster(config);
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

    PolyhookBroker add(String name) {
        List<ClusterSettings.Endpoint> seeds = new ArrayList<>();
        for (PolyhookBroker b : nodes) {
            seeds.add(new ClusterSettings.Endpoint("127.0.0.1", infinispan(b).jgroupsAddress().getPort()));
        }
        ClusterSettings.Endpoint any = new ClusterSettings.Endpoint("127.0.0.1", 0);
        ClusterSettings settings = new ClusterSettings(true, name, any, seeds, any, false, true, true);
        PolyhookBroker b = PolyhookBroker.builder().config(config.apply(TestBroker.localConfig()).withCluster(settings)
                        .withPersistence(io.polyhook.broker.config.PersistenceSettings.DISABLED))
                .discoverPlugins(false).adminAddress("127.0.0.1", 0).clusterFactory(s -> InfinispanCluster.start(s, TUNING)).start();
        nodes.add(b);
        return b;
    }

    static InfinispanCluster infinispan(PolyhookBroker b) {
        return (InfinispanCluster) b.cluster();
    }

    /** Node {@code i}, from 1. */
    PolyhookBroker node(int i) {
        return nodes.get(i - 1);
    }

    int port(int node) {
        return node(node).boundPort("tcp");
    }

    Mqtt5ClientBuilder builder(int node, String id) {
        return MqttClient.builder().useMqttVersion5().identifier(id).serverHost("127.0.0.1").serverPort(port(node));
    }

    /** A connected MQTT 5 client of node {@code node} (clean start). */
    Mqtt5BlockingClient v5(int node, String id) {
        Mqtt5BlockingClient c = builder(node, id).buildBlocking();
        c.connect();
        return track(c);
    }

    Mqtt5BlockingClient track(Mqtt5BlockingClient c) {
        synchronized (clients) {
            clients.add(c);
        }
        return c;
    }

    void awaitMembers(int count) {
        await("every node sees " + count + " members", () -> nodes.stream().allMatch(n -> {
            var v = n.cluster().membership().view();
            return v.members().size() == count && v.netsplit() == NetsplitState.NONE;
        }));
    }

    /** Waits until each of {@code which} nodes sees {@code count} members and no split. */
    void awaitMembersOf(int count, int... which) {
        await("nodes see " + count + " members", () -> java.util.Arrays.stream(which).allMatch(i -> {
            var v = node(i).cluster().membership().view();
            return v.members().size() == count && v.netsplit() == NetsplitState.NONE;
        }));
    }

    /** Waits until node {@code at} routes {@code topic} to node {@code to} (routes travel asynchronously). */
    void awaitRoute(int at, String topic, int to) {
        String target = "node" + to;
        await("node" + at + " has a route of " + target + " for " + topic, () -> {
            RemoteMatch m = node(at).cluster().routes().match("", topic);
            return m.nodes().contains(target) || m.groups().values().stream()
                    .anyMatch(members -> members.stream().anyMatch(g -> g.node().equals(target)));
        });
    }

    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            // Polling a condition with a deadline, not sleeping for a guessed time.
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
        }
    }

    @Override
    public void close() {
        synchronized (clients) {
            for (Mqtt5BlockingClient c : clients) {
                try {
                    if (c.getState().isConnected()) {
                        c.disconnect();
                    }
                } catch (RuntimeException e) {
                    // Already gone.
                }
            }
        }
        for (int i = nodes.size() - 1; i >= 0; i--) {
            try {
                // Closing twice does nothing: a test may have stopped a node already.
                nodes.get(i).close();
            } catch (RuntimeException e) {
                // Best effort: the JVM ends with the test run.
            }
        }
        nodes.clear();
    }
}
