package io.polyhook.cluster.infinispan.internal;

import io.polyhook.broker.cluster.ClusterView;
import io.polyhook.broker.cluster.Membership;
import io.polyhook.broker.config.ClusterSettings;
import io.polyhook.spi.Registration;
import org.infinispan.Cache;
import org.infinispan.manager.EmbeddedCacheManager;
import org.infinispan.notifications.Listener;
import org.infinispan.notifications.cachelistener.annotation.CacheEntryCreated;
import org.infinispan.notifications.cachelistener.annotation.CacheEntryModified;
import org.infinispan.notifications.cachelistener.annotation.CacheEntryRemoved;
import org.infinispan.notifications.cachelistener.event.CacheEntryEvent;
import org.infinispan.notifications.cachemanagerlistener.annotation.Merged;
import org.infinispan.notifications.cachemanagerlistener.annotation.ViewChanged;
import org.infinispan.notifications.cachemanagerlistener.event.MergeEvent;
import org.infinispan.notifications.cachemanagerlistener.event.ViewChangedEvent;
import org.infinispan.remoting.transport.Address;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The members of the cluster and the nodes it knows: a replicated cache holds one record per
 * node that joined (its data-plane address), removed when the node leaves cleanly. A node whose
 * record is there and which is not in the JGroups view is missing: crashed or split away.
 * View changes are handled in order on the cluster's event thread.
 */
public final class NodeDirectory implements Membership {

    private static final Logger LOG = LoggerFactory.getLogger(NodeDirectory.class);

    private final String self;
    private final EmbeddedCacheManager manager;
    private final Cache<String, String> nodes;
    private final ExecutorService events;
    private final LongSupplier viewIds;
    private final List<Consumer<ViewChange>> internal = new CopyOnWriteArrayList<>();
    private final List<Consumer<ClusterView>> listeners = new CopyOnWriteArrayList<>();
    private final Object watcher = new Watcher();
    private volatile ClusterView view;

    /** A directory over {@code nodes}, view ids from {@code viewIds}; {@link #start} publishes this node. */
    public NodeDirectory(String self, EmbeddedCacheManager manager, Cache<String, String> nodes, ExecutorService events,
                         LongSupplier viewIds) {
        this.viewIds = viewIds;
        this.self = self;
        this.manager = manager;
        this.nodes = nodes;
        this.events = events;
        this.view = ClusterView.alone(self);
    }

    /** Publishes this node's data-plane address and starts following the view. */
    public void start(InetSocketAddress dataPlane) {
        List<String> names = memberNames();
        if (names.stream().filter(self::equals).count() > 1) {
            throw new IllegalStateException("another node of the cluster is already named \"" + self
                    + "\": cluster.node_name must be unique");
        }
        nodes.put(self, dataPlane.getHostString() + ":" + dataPlane.getPort());
        manager.addListener(watcher);
        nodes.addListener(watcher);
        events.execute(() -> recompute(false));
    }

    /** Registers what the cluster's parts do on a view change, before the broker's listeners hear of it. */
    public void onChange(Consumer<ViewChange> listener) {
        internal.add(listener);
    }

    @Override
    public ClusterView view() {
        return view;
    }

    @Override
    public Registration onViewChange(Consumer<ClusterView> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public boolean forget(String node) {
        if (node.equals(self) || memberNames().contains(node)) {
            return false;
        }
        boolean removed = nodes.remove(node) != null;
        events.execute(() -> recompute(false));
        return removed;
    }

    /** The data-plane address of {@code node}, if it published one. */
    public Optional<InetSocketAddress> dataPlaneAddress(String node) {
        String a = nodes.get(node);
        if (a == null) {
            return Optional.empty();
        }
        ClusterSettings.Endpoint e = ClusterSettings.Endpoint.parse(a);
        return Optional.of(new InetSocketAddress(e.host(), e.port()));
    }

    /** The names in the current JGroups view, in join order (the first is the coordinator). */
    public List<String> memberNames() {
        List<Address> members = manager.getMembers();
        return members == null ? List.of(self) : members.stream().map(Object::toString).toList();
    }

    /** Whether this node is the coordinator: the one that purges what missing nodes left in the caches. */
    public boolean isCoordinator() {
        List<String> names = memberNames();
        return !names.isEmpty() && names.getFirst().equals(self);
    }

    /** Announces a clean leave: the others do not count this node as missing. */
    public void leave() {
        manager.removeListener(watcher);
        nodes.remove(self);
    }

    /** Re-publishes this node's record (after a merge it may be the other side's view of it). */
    public void republish(InetSocketAddress dataPlane) {
        nodes.put(self, dataPlane.getHostString() + ":" + dataPlane.getPort());
    }

    /**
     * The view as it is at this moment, from the JGroups members and this node's copy of the
     * node records: {@link #view()} may not have caught up with a change yet.
     */
    public ClusterView viewNow() {
        List<String> members = memberNames();
        Set<String> known = new LinkedHashSet<>(members);
        // The replicated cache's own copy: no cluster-wide iteration on the event thread.
        for (String n : nodes.getAdvancedCache().withFlags(org.infinispan.context.Flag.CACHE_MODE_LOCAL).keySet()) {
            known.add(n);
        }
        Set<String> missing = new HashSet<>(known);
        members.forEach(missing::remove);
        return new ClusterView(self, members, missing, ClusterView.stateOf(members.size(), missing.size()),
                viewIds.getAsLong());
    }

    private void recompute(boolean merge) {
        ClusterView before = view;
        ClusterView next = viewNow();
        List<String> members = next.members();
        long viewId = next.viewId();
        if (next.equals(before) && !merge) {
            return;
        }
        view = next;
        Set<String> left = new HashSet<>(before.members());
        left.removeAll(members);
        Set<String> joined = new HashSet<>(members);
        before.members().forEach(joined::remove);
        if (!left.isEmpty() || !joined.isEmpty() || merge) {
            LOG.info("cluster view {}: members {}, missing {}, netsplit {}{}", viewId, members, next.missing(),
                    next.netsplit(), merge ? " (merged)" : "");
        }
        ViewChange change = new ViewChange(next, left, joined, merge);
        for (Consumer<ViewChange> l : internal) {
            try {
                l.accept(change);
            } catch (RuntimeException e) {
                LOG.warn("handling view {} failed: {}", viewId, e.toString());
            }
        }
        for (Consumer<ClusterView> l : listeners) {
            try {
                l.accept(next);
            } catch (RuntimeException e) {
                LOG.warn("a view listener failed: {}", e.toString());
            }
        }
    }

    /** Hands view and node-record changes to the event thread. */
    @Listener
    public final class Watcher {

        @ViewChanged
        public void viewChanged(ViewChangedEvent e) {
            events.execute(() -> recompute(false));
        }

        @Merged
        public void merged(MergeEvent e) {
            events.execute(() -> recompute(true));
        }

        @CacheEntryCreated
        @CacheEntryModified
        @CacheEntryRemoved
        public void nodeRecord(CacheEntryEvent<String, String> e) {
            if (!e.isPre()) {
                events.execute(() -> recompute(false));
            }
        }
    }
}
