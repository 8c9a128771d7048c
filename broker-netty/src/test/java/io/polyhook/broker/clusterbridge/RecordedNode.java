package io.polyhook.broker.clusterbridge;

import io.polyhook.broker.cluster.Cluster;
import io.polyhook.broker.cluster.ClusterCommands;
import io.polyhook.broker.cluster.ClusterRetained;
import io.polyhook.broker.cluster.ClusterTables;
import io.polyhook.broker.cluster.DataPlane;
import io.polyhook.broker.cluster.ForwardedMessage;
import io.polyhook.broker.cluster.Membership;
import io.polyhook.broker.cluster.MessageId;
import io.polyhook.broker.cluster.RemoteDelivery;
import io.polyhook.broker.cluster.RemoteMatch;
import io.polyhook.broker.cluster.RouteTable;
import io.polyhook.broker.cluster.SessionOwnership;
import io.polyhook.broker.cluster.StandaloneCluster;
import io.polyhook.broker.config.BrokerSettings;
import io.polyhook.broker.config.ClusterSettings;
import io.polyhook.broker.routing.RetainedStore;
import io.polyhook.broker.routing.Router;
import io.polyhook.broker.routing.SubscriptionTree;
import io.polyhook.broker.session.SessionRegistry;
import io.polyhook.broker.sys.BrokerStats;
import io.polyhook.core.hook.internal.DispatchSettings;
import io.polyhook.core.hook.internal.HookDispatcher;
import io.polyhook.core.hook.internal.HookRegistry;
import io.polyhook.spi.Registration;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One node of a cluster in one JVM: its router, sessions, routing and forwarding, over a cluster
 * whose link records what it sends, for the test to deliver to another node.
 */
final class RecordedNode {
    final String name;
    final HookDispatcher dispatcher = new HookDispatcher(new HookRegistry(), DispatchSettings.defaults());
    final BrokerStats stats = new BrokerStats();
    final Router router;
    final SessionRegistry registry;
    final Link link = new Link();
    final LinkedCluster cluster;
    final MessageForwarding forwarding;
    final ClusterRouting routing;

    RecordedNode(String name) {
        this(name, BrokerSettings.DEFAULT);
    }

    RecordedNode(String name, BrokerSettings settings) {
        this.name = name;
        this.router = new Router(settings, new SubscriptionTree(), new RetainedStore());
        this.registry = new SessionRegistry(settings, dispatcher, router, stats);
        this.cluster = new LinkedCluster(name, link);
        this.forwarding = new MessageForwarding(cluster, registry.handover());
        this.routing = new ClusterRouting(cluster, router, forwarding);
        router.remote(routing);
    }

    void close() {
        routing.close();
        registry.close();
        dispatcher.close();
    }

    /** What one node sent, in order: deliveries and forwarded messages. */
    static final class Link {
        final List<Object> sent = new ArrayList<>();

        /** Hands everything sent so far to {@code to}, in order, and forgets it. */
        void deliverTo(RecordedNode to) {
            List<Object> items = List.copyOf(sent);
            sent.clear();
            for (Object item : items) {
                if (item instanceof RemoteDelivery d) {
                    to.routing.received(d);
                } else {
                    to.forwarding.forwarded((ForwardedMessage) item);
                }
            }
        }
    }

    /** A cluster of one named node whose routes the test sets and whose link it reads. */
    static final class LinkedCluster implements Cluster {
        private final StandaloneCluster alone;
        private final Link link;
        private final AtomicLong sequence = new AtomicLong();
        private volatile Set<String> routedNodes = Set.of();
        Runnable onForward = () -> { };

        LinkedCluster(String name, Link link) {
            ClusterSettings.Endpoint any = new ClusterSettings.Endpoint("127.0.0.1", 0);
            this.alone = new StandaloneCluster(new ClusterSettings(true, name, any, List.of(), any, false, true, true));
            this.link = link;
        }

        void routeTo(String node) {
            routedNodes = Set.of(node);
        }

        @Override
        public ClusterSettings settings() {
            return alone.settings();
        }

        @Override
        public Membership membership() {
            return alone.membership();
        }

        @Override
        public RouteTable routes() {
            return new RouteTable() {
                @Override
                public void add(String mountpoint, String filter, boolean online) {
                }

                @Override
                public void remove(String mountpoint, String filter, boolean online) {
                }

                @Override
                public void online(String mountpoint, String filter, boolean online) {
                }

                @Override
                public RemoteMatch match(String mountpoint, String topic) {
                    return new RemoteMatch(routedNodes, Map.of());
                }

                @Override
                public Map<String, List<Route>> snapshot() {
                    return Map.of();
                }
            };
        }

        @Override
        public SessionOwnership ownership() {
            return alone.ownership();
        }

        @Override
        public DataPlane dataPlane() {
            return new DataPlane() {
                @Override
                public MessageId newId() {
                    return new MessageId(settings().nodeName(), sequence.incrementAndGet());
                }

                @Override
                public boolean send(String node, RemoteDelivery delivery) {
                    link.sent.add(delivery);
                    return true;
                }

                @Override
                public boolean forward(String node, ForwardedMessage message) {
                    link.sent.add(message);
                    onForward.run();
                    return true;
                }

                @Override
                public Registration onDelivery(Consumer<RemoteDelivery> handler) {
                    return () -> { };
                }

                @Override
                public Stats stats() {
                    return new Stats(0, 0, 0, 0, 0);
                }
            };
        }

        @Override
        public ClusterRetained retained() {
            return alone.retained();
        }

        @Override
        public ClusterTables tables() {
            return alone.tables();
        }

        @Override
        public ClusterCommands commands() {
            return alone.commands();
        }

        @Override
        public void close() {
            alone.close();
        }
    }
}
