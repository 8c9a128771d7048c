package io.polyhook.cluster.infinispan.internal;

import io.polyhook.broker.cluster.RemoteMatch;
import io.polyhook.broker.cluster.RouteTable;
import io.polyhook.broker.routing.SubscriptionTree;
import io.polyhook.spi.SubscriberId;
import io.polyhook.spi.TopicSubscription;
import org.infinispan.Cache;
import org.infinispan.context.Flag;
import org.infinispan.notifications.Listener;
import org.infinispan.notifications.cachelistener.annotation.CacheEntryCreated;
import org.infinispan.notifications.cachelistener.annotation.CacheEntryModified;
import org.infinispan.notifications.cachelistener.annotation.CacheEntryRemoved;
import org.infinispan.notifications.cachelistener.annotation.TopologyChanged;
import org.infinispan.notifications.cachelistener.event.CacheEntryEvent;
import org.infinispan.notifications.cachelistener.event.TopologyChangedEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The route table on a replicated cache: key {@code (node, mountpoint, filter)}, value "1" or
 * "0" (a shared group's "has a member online"). This node writes only keys with its own name,
 * counted from its subscriptions; the other nodes' routes are mirrored into a topic trie as
 * their entries arrive, and dropped with their node when it leaves the view. After a merge, and
 * periodically, the node rewrites its own entries from its counts and removes its own stale
 * ones, and rebuilds the mirror from the cache: the merged cache is not trusted as it is.
 */
public final class ReplicatedRoutes implements RouteTable {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicatedRoutes.class);
    private static final String ONLINE = "1";
    private static final String OFFLINE = "0";

    private final String self;
    private final Cache<String, String> cache;
    private final NodeDirectory directory;
    private final ScheduledExecutorService events;
    private final CoalescingWriter<String> writer;
    // This node's truth: per route key, how many local subscriptions and how many of them online.
    private final Map<String, int[]> local = new HashMap<>();
    // The other nodes' routes; SubscriberId(mountpoint, node) is the "subscriber". Changed on the event thread only.
    private volatile SubscriptionTree mirror = new SubscriptionTree();
    private final Object watcher = new Watcher();

    /** Routes on {@code cache}, writing on {@code writerThread}, following views on {@code events}. */
    public ReplicatedRoutes(String self, Cache<String, String> cache, NodeDirectory directory,
                            ScheduledExecutorService events, ExecutorService writerThread) {
        this.self = self;
        this.cache = cache;
        this.directory = directory;
        this.events = events;
        // A failed purge is decided again by a reconciliation (on the event thread, after the retry delay).
        this.writer = new CoalescingWriter<>(cache, writerThread, events, this::reconcile, true);
    }

    /** Starts mirroring the other nodes' routes. */
    public void start() {
        cache.addListener(watcher);
        events.execute(this::reconcile);
    }

    @Override
    public void add(String mountpoint, String filter, boolean online) {
        change(mountpoint, filter, 1, online ? 1 : 0);
    }

    @Override
    public void remove(String mountpoint, String filter, boolean online) {
        change(mountpoint, filter, -1, online ? -1 : 0);
    }

    @Override
    public void online(String mountpoint, String filter, boolean online) {
        change(mountpoint, filter, 0, online ? 1 : -1);
    }

    private void change(String mountpoint, String filter, int subscriptions, int online) {
        String key = Keys.of(self, mountpoint, filter);
        boolean shared = filter.startsWith("$share/");
        synchronized (local) {
            int[] c = local.get(key);
            String before = c == null ? null : valueOf(c, shared);
            if (c == null) {
                c = new int[2];
            }
            c[0] = Math.max(0, c[0] + subscriptions);
            c[1] = Math.max(0, Math.min(c[0], c[1] + online));
            String after = c[0] == 0 ? null : valueOf(c, shared);
            if (c[0] == 0) {
                local.remove(key);
            } else {
                local.put(key, c);
            }
            if (after == null && before != null) {
                writer.remove(key);
            } else if (after != null && !after.equals(before)) {
                writer.put(key, after);
            }
        }
    }

    private static String valueOf(int[] c, boolean shared) {
        // A plain route's value does not change with its subscribers' connections: no write per CONNECT.
        return !shared || c[1] > 0 ? ONLINE : OFFLINE;
    }

    @Override
    public RemoteMatch match(String mountpoint, String topic) {
        SubscriptionTree.Matches m = mirror.matchAll(mountpoint, topic);
        if (m.isEmpty()) {
            return RemoteMatch.NONE;
        }
        Set<String> nodes = new HashSet<>();
        m.subscribers().keySet().forEach(id -> nodes.add(id.clientId()));
        Map<String, List<RemoteMatch.GroupMember>> groups = m.shared().isEmpty() ? Map.of() : new HashMap<>();
        m.shared().forEach((group, members) -> {
            List<RemoteMatch.GroupMember> list = new ArrayList<>(members.size());
            // The mirror's QoS of a shared route carries whether the node has a member online.
            members.forEach((id, sub) -> list.add(new RemoteMatch.GroupMember(id.clientId(), sub.qos() == 1)));
            groups.put(group, list);
        });
        return new RemoteMatch(nodes, groups);
    }

    @Override
    public Map<String, List<Route>> snapshot() {
        Map<String, List<Route>> out = new TreeMap<>();
        for (Map.Entry<String, String> e : cache.getAdvancedCache().withFlags(Flag.CACHE_MODE_LOCAL).entrySet()) {
            List<String> p = Keys.parts(e.getKey());
            out.computeIfAbsent(p.get(0), n -> new ArrayList<>())
                    .add(new Route(p.get(0), p.get(1), p.get(2), ONLINE.equals(e.getValue())));
        }
        out.values().forEach(l -> l.sort(java.util.Comparator.comparing(Route::mountpoint).thenComparing(Route::filter)));
        return out;
    }

    /** What a view change does: drop the routes of nodes that left; after a merge, reconcile. */
    public void onView(ViewChange change) {
        if (change.merge() || !change.joined().isEmpty()) {
            reconcile();
            return;
        }
        for (String node : change.left()) {
            SubscriptionTree tree = mirror;
            List<String[]> gone = new ArrayList<>();
            try {
                for (Map.Entry<String, String> e : cache.getAdvancedCache().withFlags(Flag.CACHE_MODE_LOCAL).entrySet()) {
                    List<String> p = Keys.parts(e.getKey());
                    if (p.get(0).equals(node)) {
                        gone.add(new String[] {p.get(1), p.get(2), e.getKey()});
                    }
                }
            } catch (RuntimeException e) {
                // The cache is between topologies: the reconciliation purges them once it can be read.
                LOG.debug("reading the routes of {} failed: {}", node, e.toString());
                events.schedule(this::reconcile, CoalescingWriter.RETRY_MILLIS, TimeUnit.MILLISECONDS);
                return;
            }
            for (String[] g : gone) {
                tree.unsubscribe(g[0], new SubscriberId(g[0], node), g[1]);
            }
            if (directory.isCoordinator()) {
                // One node clears the cache of what a missing node left; it publishes them again if it returns.
                gone.forEach(g -> writer.purge(g[2]));
            }
            LOG.debug("purged {} routes of {}", gone.size(), node);
        }
        if (!change.left().isEmpty()) {
            // A purge above may have missed entries still in flight; the rebuild sees the cache as it is now.
            rebuildMirror();
        }
    }

    /**
     * Makes the cache hold exactly this node's routes (rewriting missing ones, removing stale
     * ones), lets the coordinator clear routes of nodes not in the view, and rebuilds the mirror.
     */
    public void reconcile() {
        Map<String, String> own;
        synchronized (local) {
            own = new HashMap<>();
            local.forEach((k, c) -> own.put(k, valueOf(c, Keys.parts(k).get(2).startsWith("$share/"))));
        }
        List<String> members = directory.memberNames();
        boolean coordinator = directory.isCoordinator();
        int fixed = 0;
        Set<String> seen = new HashSet<>();
        try {
            for (Map.Entry<String, String> e : cache.getAdvancedCache().withFlags(Flag.CACHE_MODE_LOCAL).entrySet()) {
                String node = Keys.first(e.getKey());
                if (node.equals(self)) {
                    seen.add(e.getKey());
                    String want = own.get(e.getKey());
                    if (want == null) {
                        writer.remove(e.getKey());
                        fixed++;
                    } else if (!want.equals(e.getValue())) {
                        writer.put(e.getKey(), want);
                        fixed++;
                    }
                } else if (coordinator && !members.contains(node)) {
                    writer.purge(e.getKey());
                }
            }
        } catch (RuntimeException e) {
            LOG.debug("reconciling routes failed: {}", e.toString());
        }
        for (Map.Entry<String, String> e : own.entrySet()) {
            if (!seen.contains(e.getKey())) {
                writer.put(e.getKey(), e.getValue());
                fixed++;
            }
        }
        if (fixed > 0) {
            LOG.info("rewrote {} route entries of this node in the cluster (it has {} routes)", fixed, own.size());
        }
        rebuildMirror();
    }

    private void rebuildMirror() {
        List<String> members = directory.memberNames();
        SubscriptionTree tree = new SubscriptionTree();
        try {
            for (Map.Entry<String, String> e : cache.getAdvancedCache().withFlags(Flag.CACHE_MODE_LOCAL).entrySet()) {
                apply(tree, e.getKey(), e.getValue(), members);
            }
        } catch (RuntimeException e) {
            // Keep the mirror as it is; the next reconciliation (periodic, or after a topology change) rebuilds it.
            LOG.debug("rebuilding the route mirror failed: {}", e.toString());
            return;
        }
        mirror = tree;
    }

    private void apply(SubscriptionTree tree, String key, String value, List<String> members) {
        List<String> p;
        try {
            p = Keys.parts(key);
        } catch (IllegalArgumentException e) {
            return;
        }
        String node = p.get(0);
        if (node.equals(self) || p.size() != 3) {
            return;
        }
        SubscriberId id = new SubscriberId(p.get(1), node);
        if (value == null || !members.contains(node)) {
            tree.unsubscribe(p.get(1), id, p.get(2));
        } else {
            tree.subscribe(p.get(1), id, TopicSubscription.of(p.get(2), ONLINE.equals(value) ? 1 : 0));
        }
    }

    /** Whether this node's own writes have all reached the cache (for tests and a clean leave). */
    public boolean flushed() {
        return writer.idle();
    }

    /** Withdraws this node's routes (a clean leave); the others would purge them anyway. */
    public void withdrawAll() {
        synchronized (local) {
            local.keySet().forEach(writer::remove);
            local.clear();
        }
    }

    /** Moves route changes of other nodes to the event thread, in the order they come. */
    @Listener
    public final class Watcher {

        @CacheEntryCreated
        @CacheEntryModified
        @CacheEntryRemoved
        public void entry(CacheEntryEvent<String, String> e) {
            if (e.isPre() || e.isOriginLocal()) {
                return;
            }
            String key = e.getKey();
            String value = e.getType() == org.infinispan.notifications.cachelistener.event.Event.Type.CACHE_ENTRY_REMOVED
                    ? null : e.getValue();
            events.execute(() -> apply(mirror, key, value, directory.memberNames()));
        }

        @TopologyChanged
        public void topology(TopologyChangedEvent<String, String> e) {
            if (!e.isPre()) {
                // A rebalance after a merge may have resolved conflicts in either side's favour.
                events.execute(ReplicatedRoutes.this::reconcile);
            }
        }
    }
}
