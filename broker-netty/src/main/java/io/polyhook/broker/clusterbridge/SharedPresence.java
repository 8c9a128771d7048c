package io.polyhook.broker.clusterbridge;

import io.polyhook.broker.cluster.RouteTable;
import io.polyhook.spi.SubscriberId;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * This node's shared-group routes with whether the node has a member of the group online, for
 * the other nodes' {@code shared_subscription_policy}: {@code random} and
 * {@code prefer_online_before_local} choose a node with an online member first, and
 * {@code prefer_local} does among the other nodes.
 *
 * <p>A member subscribing while connected (the usual case) is published online at once; its
 * session then comes and goes with its connections, which the routing does not hear of, so the
 * groups are looked at every {@code interval} and a change goes to the route table (one write
 * per group that changed, coalesced by the route table). Cost: one lookup per local member of a
 * shared group per interval, nothing per message.
 */
final class SharedPresence implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SharedPresence.class);

    private record GroupKey(String mountpoint, String filter) {
    }

    /** The local members of one group, and what the route table was last told. */
    private static final class Group {
        final Set<SubscriberId> members = new HashSet<>();
        boolean online;
    }

    private final RouteTable routes;
    private final Predicate<SubscriberId> isOnline;
    private final Map<GroupKey, Group> groups = new HashMap<>();
    private final ScheduledExecutorService timer;

    /** Publishes to {@code routes}; {@code isOnline} says whether a local session is connected now. */
    SharedPresence(RouteTable routes, Predicate<SubscriberId> isOnline, Duration interval) {
        this.routes = routes;
        this.isOnline = isOnline;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "polyhook-shared-presence");
            t.setDaemon(true);
            return t;
        });
        long every = interval.toMillis();
        timer.scheduleWithFixedDelay(() -> {
            try {
                sweep();
            } catch (RuntimeException e) {
                // A failed sweep must not end the next ones (a scheduled task that throws is never run again).
                LOG.warn("checking the shared groups' online members failed: {}", e.toString());
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    /** {@code member} subscribed to the shared {@code filter} ({@code $share/<group>/<filter>}). */
    void added(String mountpoint, SubscriberId member, String filter) {
        synchronized (groups) {
            Group g = groups.computeIfAbsent(new GroupKey(mountpoint, filter), k -> new Group());
            g.members.add(member);
            // One change, online or not: as an add then an online, the other nodes could see the
            // route offline first and take that for the member's state (the writes are replicated apart).
            boolean goesOnline = !g.online && isOnline.test(member);
            routes.add(mountpoint, filter, goesOnline);
            if (goesOnline) {
                g.online = true;
            }
        }
    }

    /** {@code member} no longer subscribes to the shared {@code filter}. */
    void removed(String mountpoint, SubscriberId member, String filter) {
        synchronized (groups) {
            GroupKey key = new GroupKey(mountpoint, filter);
            routes.remove(mountpoint, filter, false);
            Group g = groups.get(key);
            if (g == null) {
                return;
            }
            g.members.remove(member);
            if (g.members.isEmpty()) {
                // The route went with its last member.
                groups.remove(key);
            } else {
                report(key, g);
            }
        }
    }

    /** Tells the route table of every group whose having an online member changed. */
    void sweep() {
        synchronized (groups) {
            groups.forEach(this::report);
        }
    }

    private void report(GroupKey key, Group g) {
        boolean now = false;
        for (SubscriberId id : g.members) {
            if (isOnline.test(id)) {
                now = true;
                break;
            }
        }
        if (now != g.online) {
            g.online = now;
            routes.online(key.mountpoint(), key.filter(), now);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
