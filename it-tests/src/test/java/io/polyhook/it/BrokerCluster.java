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
    // With a folder: each node keeps its durable store in a sub-folder named after it.
    private final java.nio.file.Path stores;
    private final java.util.Map<String, io.polyhook.store.rocksdb.RocksBrokerStore> openStores =
            new java.util.concurrent.ConcurrentHashMap<>();

    private BrokerCluster(UnaryOperator<BrokerConfig> config, java.nio.file.Path stores) {
        this.config = config;
        this.stores = stores;
    }

    /** As {@link #of(int)}, each node with its durable store (RocksDB) in {@code stores}/node<i>. */
    static BrokerCluster persistent(int count, java.nio.file.Path stores) {
        return start(count, new BrokerCluster(UnaryOperator.identity(), stores));
    }

    /** Starts {@code count} brokers named node1.. and waits until each sees all of them. */
    static BrokerCluster of(int count) {
        return of(count, UnaryOperator.identity());
    }

    /** Starts {@code count} brokers named node1.., each with the tests' config changed by {@code config}. */
    static BrokerCluster of(int count, UnaryOperator<BrokerConfig> config) {
        return start(count, new BrokerCluster(config, null));
    }

    private static BrokerCluster start(int count, BrokerCluster c) {
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
        PolyhookBroker b = start(name);
        nodes.add(b);
        return b;
    }

    private PolyhookBroker start(String name) {
        List<ClusterSettings.Endpoint> seeds = new ArrayList<>();
        for (PolyhookBroker b : nodes) {
            if (b != null) {
                seeds.add(new ClusterSettings.Endpoint("127.0.0.1", infinispan(b).jgroupsAddress().getPort()));
            }
        }
        ClusterSettings.Endpoint any = new ClusterSettings.Endpoint("127.0.0.1", 0);
        ClusterSettings settings = new ClusterSettings(true, name, any, seeds, any, false, true, true);
        io.polyhook.broker.config.PersistenceSettings persistence = io.polyhook.broker.config.PersistenceSettings.DISABLED;
        PolyhookBroker.Builder builder = PolyhookBroker.builder();
        if (stores != null) {
            persistence = new io.polyhook.broker.config.PersistenceSettings(true, stores.resolve(name),
                    io.polyhook.broker.config.SyncMode.BATCH, Duration.ofMillis(10));
            // Opened here, so that a test can look into a node's store; closed after its broker.
            io.polyhook.store.rocksdb.RocksBrokerStore store = io.polyhook.store.rocksdb.RocksBrokerStore.open(
                    stores.resolve(name), persistence.sync(), persistence.syncInterval());
            openStores.put(name, store);
            builder.store(store);
        }
        return builder.config(config.apply(TestBroker.localConfig()).withCluster(settings).withPersistence(persistence))
                .discoverPlugins(false).adminAddress("127.0.0.1", 0).clusterFactory(s -> InfinispanCluster.start(s, TUNING)).start();
    }

    /** The durable store of node {@code i} (a persistent cluster only). */
    io.polyhook.store.rocksdb.RocksBrokerStore store(int i) {
        return openStores.get("node" + i);
    }

    /** Stops node {@code i} cleanly (it leaves, handing its sessions over) and closes its store. */
    void stop(int i) {
        nodes.get(i - 1).close();
        var store = openStores.remove("node" + i);
        if (store != null) {
            store.close();
        }
    }

    /** Starts node {@code i} again (after {@link #stop}), on its store folder, and waits until every node sees it. */
    PolyhookBroker restart(int i) {
        PolyhookBroker b = start("node" + i);
        nodes.set(i - 1, b);
        awaitMembers(nodes.size());
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
        openStores.values().forEach(io.polyhook.store.rocksdb.RocksBrokerStore::close);
        openStores.clear();
    }
}
