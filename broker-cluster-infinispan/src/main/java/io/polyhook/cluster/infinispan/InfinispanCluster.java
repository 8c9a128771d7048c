package io.polyhook.cluster.infinispan;

import io.polyhook.broker.cluster.Cluster;
import io.polyhook.broker.cluster.ClusterCommands;
import io.polyhook.broker.cluster.ClusterRetained;
import io.polyhook.broker.config.ClusterSettings;
import io.polyhook.broker.cluster.ClusterTables;
import io.polyhook.broker.cluster.DataPlane;
import io.polyhook.broker.cluster.Membership;
import io.polyhook.broker.cluster.RouteTable;
import io.polyhook.broker.cluster.SessionOwnership;
import io.polyhook.cluster.infinispan.internal.BroadcastCommands;
import io.polyhook.cluster.infinispan.internal.CacheLayout;
import io.polyhook.cluster.infinispan.internal.InfinispanTables;
import io.polyhook.cluster.infinispan.internal.JGroupsStack;
import io.polyhook.cluster.infinispan.internal.JoinPhases;
import io.polyhook.cluster.infinispan.internal.NettyDataPlane;
import io.polyhook.cluster.infinispan.internal.NodeDirectory;
import io.polyhook.cluster.infinispan.internal.OwnerAvailability;
import io.polyhook.cluster.infinispan.internal.OwnershipRegistry;
import io.polyhook.cluster.infinispan.internal.PeerBarrier;
import io.polyhook.cluster.infinispan.internal.ProvidedChannel;
import io.polyhook.cluster.infinispan.internal.ReplicatedRetained;
import io.polyhook.cluster.infinispan.internal.ReplicatedRoutes;
import org.infinispan.configuration.global.GlobalConfigurationBuilder;
import org.infinispan.configuration.global.ShutdownHookBehavior;
import org.infinispan.manager.DefaultCacheManager;
import org.infinispan.remoting.transport.jgroups.JGroupsTransport;
import org.jgroups.Address;
import org.jgroups.Event;
import org.jgroups.JChannel;
import org.jgroups.PhysicalAddress;
import org.jgroups.protocols.DISCARD;
import org.jgroups.stack.IpAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A Polyhook node in a cluster on Infinispan embedded. {@link #start} joins the cluster found at
 * the seeds (or starts one), and returns once this node has the cluster's state: routes, owners,
 * retained messages. {@link #close()} leaves cleanly.
 *
 * <p>Threads: a data-plane event loop group, one event thread that applies view and route
 * changes in order, one writer thread for this node's own route and retained entries, and
 * virtual threads for calls that wait on the network.
 */
public final class InfinispanCluster implements Cluster {

    private static final Logger LOG = LoggerFactory.getLogger(InfinispanCluster.class);

    private final ClusterSettings settings;
    private final JChannel channel;
    private final DefaultCacheManager manager;
    private final ScheduledExecutorService events;
    private final ExecutorService writer;
    private final ExecutorService workers;
    private final NettyDataPlane dataPlane;
    private final NodeDirectory directory;
    private final ReplicatedRoutes routes;
    private final OwnershipRegistry ownership;
    private final OwnerAvailability ownersAvailable;
    private final ReplicatedRetained retained;
    private final InfinispanTables tables;
    private final BroadcastCommands commands;
    private final PeerBarrier barrier;
    private final long joinMillis;

    private InfinispanCluster(ClusterSettings settings, ClusterTuning tuning) throws Exception {
        long started = System.nanoTime();
        JoinPhases phases = new JoinPhases(started);
        this.settings = settings;
        String self = settings.nodeName();
        events = Executors.newSingleThreadScheduledExecutor(daemon("polyhook-cluster-events"));
        writer = Executors.newSingleThreadExecutor(daemon("polyhook-cluster-writer"));
        workers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("polyhook-cluster-", 0).factory());
        AtomicReference<NodeDirectory> dir = new AtomicReference<>();
        dataPlane = new NettyDataPlane(self, settings.dataPlane(), tuning.peerQueueBytes(), tuning.requestTimeout(),
                node -> dir.get() == null ? java.util.Optional.empty() : dir.get().dataPlaneAddress(node), workers);
        try {
            channel = JGroupsStack.channel(settings, tuning);
            GlobalConfigurationBuilder global = GlobalConfigurationBuilder.defaultClusteredBuilder();
            global.transport().clusterName("polyhook").nodeName(self)
                    .addProperty(JGroupsTransport.CHANNEL_CONFIGURATOR, new ProvidedChannel(channel));
            global.shutdown().hookBehavior(ShutdownHookBehavior.DONT_REGISTER);
            global.jmx().disable();
            global.cacheContainer().statistics(false);
            // The broker has its own metrics; Infinispan's would register in Micrometer's global registry.
            global.metrics().gauges(false).histograms(false);
            manager = new DefaultCacheManager(global.build(), false);
            phases.mark("set-up");
            // Infinispan's start: the JGroups channel (discovery at the seeds, then the JOIN, or, finding
            // nobody, a cluster of its own) and its internal configuration cache.
            manager.start();
            phases.mark("engine");
            // Defined only now: Infinispan starts the caches defined before its start one after the
            // other (GlobalConfigurationManagerImpl.postStart), each a rebalance round with the
            // members (0.2-0.6 s each on this machine, 1.3-1.6 s for five). Started together, they
            // join their topologies in parallel: one round, not five.
            CacheLayout.define(manager, settings);
            manager.startCaches(CacheLayout.NODES, CacheLayout.ROUTES, CacheLayout.OWNERS, CacheLayout.RETAINED, CacheLayout.KV);
            phases.mark("caches");
            directory = new NodeDirectory(self, manager, manager.getCache(CacheLayout.NODES), events,
                    () -> channel.getView() == null ? 0 : channel.getView().getViewId().getId());
            dir.set(directory);
            routes = new ReplicatedRoutes(self, manager.getCache(CacheLayout.ROUTES), directory, events, writer);
            retained = new ReplicatedRetained(self, manager.getCache(CacheLayout.RETAINED), events, writer);
            ownership = new OwnershipRegistry(settings, manager.getCache(CacheLayout.OWNERS), directory, dataPlane, workers,
                    tuning.requestTimeout());
            ownersAvailable = new OwnerAvailability(manager.getCache(CacheLayout.OWNERS), directory, workers,
                    () -> ownership.reconcile(false));
            tables = new InfinispanTables(manager.getCache(CacheLayout.KV), workers);
            commands = new BroadcastCommands(self, directory, dataPlane);
            barrier = new PeerBarrier(dataPlane, events);
            directory.onChange(change -> {
                change.left().forEach(dataPlane::peerGone);
                change.left().forEach(ownership::peerGone);
                ownersAvailable.check();
                routes.onView(change);
                retained.onView(change);
                if (change.merge()) {
                    directory.republish(dataPlane.boundAddress());
                    // Owner entries live on other nodes too: their reads wait on the network, not on this thread.
                    workers.execute(() -> ownership.reconcile(true));
                }
            });
            directory.start(dataPlane.boundAddress());
            ownersAvailable.start();
            routes.start();
            retained.start();
            long every = tuning.reconcileInterval().toMillis();
            events.scheduleWithFixedDelay(() -> {
                // A periodic task that throws is never run again: this one is the retry of everything else.
                try {
                    routes.reconcile();
                    workers.execute(() -> ownership.reconcile(false));
                    ownersAvailable.check();
                } catch (RuntimeException e) {
                    LOG.warn("reconciling this node's cluster state failed (tried again in {} ms): {}", every, e.toString());
                }
            }, every, every, TimeUnit.MILLISECONDS);
        } catch (Exception | Error e) {
            shutdown();
            throw e;
        }
        phases.mark("state");
        joinMillis = (System.nanoTime() - started) / 1_000_000;
        LOG.info("node {} joined cluster {} in {} ms (JGroups {}, data plane {}; {})", self, directory.memberNames(),
                joinMillis, jgroupsAddress(), dataPlane.boundAddress(), phases);
    }

    /** Starts this node with {@link ClusterTuning#DEFAULT}. */
    public static InfinispanCluster start(ClusterSettings settings) {
        return start(settings, ClusterTuning.DEFAULT);
    }

    /** Starts this node; throws {@link IllegalStateException} with the reason if it cannot join. */
    public static InfinispanCluster start(ClusterSettings settings, ClusterTuning tuning) {
        try {
            return new InfinispanCluster(settings, tuning);
        } catch (IllegalStateException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cluster node " + settings.nodeName() + " cannot start: " + e.getMessage(), e);
        }
    }

    /** Where JGroups listens (the bound port when {@code cluster.bind} asked for port 0). */
    public InetSocketAddress jgroupsAddress() {
        PhysicalAddress a = (PhysicalAddress) channel.down(new Event(Event.GET_PHYSICAL_ADDRESS, channel.getAddress()));
        IpAddress ip = (IpAddress) a;
        return new InetSocketAddress(ip.getIpAddress(), ip.getPort());
    }

    /** Where the data plane listens. */
    public InetSocketAddress dataPlaneAddress() {
        return dataPlane.boundAddress();
    }

    /** How long {@link #start} took, from the first bind to having the cluster's state. */
    public long joinMillis() {
        return joinMillis;
    }

    /** Whether this node's own route writes have all reached the cluster. */
    public boolean routesFlushed() {
        return routes.flushed();
    }

    /** Runs the periodic check of this node's owner entries now, on the caller's thread: for tests. */
    void reconcileOwnersNow() {
        ownership.reconcile(false);
    }

    /** The fault injection of tests ({@link ClusterTuning#faultInjection()}). */
    public Faults faults() {
        DISCARD discard = channel.getProtocolStack().findProtocol(DISCARD.class);
        if (discard == null) {
            throw new IllegalStateException("started without ClusterTuning.faultInjection()");
        }
        return new Faults() {
            @Override
            public void isolateFrom(Collection<String> nodes) {
                Set<String> names = new HashSet<>(nodes);
                for (Address a : channel.getView().getMembers()) {
                    // JGroups names a member "node1(v=16.2.2)": the node name, then Infinispan's version.
                    String name = a.toString();
                    int paren = name.indexOf('(');
                    if (names.contains(paren < 0 ? name : name.substring(0, paren))) {
                        discard.addIgnoreMember(a);
                    }
                }
                dataPlane.block(names);
            }

            @Override
            public void heal() {
                discard.resetIgnoredMembers();
                dataPlane.block(Set.of());
            }
        };
    }

    @Override
    public ClusterSettings settings() {
        return settings;
    }

    @Override
    public Membership membership() {
        return directory;
    }

    @Override
    public RouteTable routes() {
        return routes;
    }

    @Override
    public SessionOwnership ownership() {
        return ownership;
    }

    @Override
    public DataPlane dataPlane() {
        return dataPlane;
    }

    @Override
    public ClusterRetained retained() {
        return retained;
    }

    @Override
    public ClusterTables tables() {
        return tables;
    }

    @Override
    public ClusterCommands commands() {
        return commands;
    }

    /**
     * Withdraws this node's routes, then passes a barrier with every peer twice: once the
     * withdrawal is written, every peer has it (the routes' cache replicates synchronously) and
     * has queued it for its event thread, so the first answer says that the peer no longer routes
     * here and that what it routed here before has been handled here, forwarded on if it was for a
     * session that moved; the second says that those forwards have reached their new owners.
     */
    @Override
    public void withdrawRoutes(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            routes.withdrawAll();
            // The writer is one thread: a task queued after the withdrawal runs once it is written.
            writer.submit(() -> { }).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!routes.flushed()) {
                LOG.warn("withdrawing this node's routes is not written yet (retried): the others may route here until "
                        + "this node has left");
            }
            List<String> peers = directory.view().peers();
            for (int round = 1; round <= 2; round++) {
                List<String> late = barrier.pass(peers, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
                if (!late.isEmpty()) {
                    LOG.warn("{} did not confirm within {} ms that they stopped routing here: what they still route "
                            + "here until this node has left is lost", late, timeout.toMillis());
                    return;
                }
            }
            LOG.debug("{} route nothing more here, {} ms after this node withdrew its routes", peers,
                    (System.nanoTime() - deadline + timeout.toNanos()) / 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("withdrawing this node's routes before leaving did not finish: {}", e.toString());
        }
    }

    /** Leaves cleanly: withdraws this node's routes and record, then leaves the JGroups view. */
    @Override
    public void close() {
        long started = System.nanoTime();
        try {
            routes.withdrawAll();
            // The writer is one thread: a task queued after the withdrawal runs once it is written.
            writer.submit(() -> { }).get(5, TimeUnit.SECONDS);
            directory.leave();
        } catch (Exception e) {
            LOG.warn("leaving the cluster cleanly failed: {}", e.toString());
        }
        long left = System.nanoTime();
        shutdown();
        LOG.debug("node {} left the cluster in {} ms, and stopped its engine in {} ms", settings.nodeName(),
                (left - started) / 1_000_000, (System.nanoTime() - left) / 1_000_000);
    }

    private void shutdown() {
        if (dataPlane != null) {
            dataPlane.close();
        }
        if (manager != null) {
            manager.stop();
        } else if (channel != null) {
            channel.close();
        }
        events.shutdownNow();
        writer.shutdownNow();
        workers.shutdownNow();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
