package io.polyhook.broker.routing;

import io.polyhook.spi.SubscriberId;
import io.polyhook.spi.TopicSubscription;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The subscriptions of every session, as one topic trie per mountpoint: topics in different
 * mountpoints never see each other.
 *
 * <p>Matching ({@link #match}) runs on any event loop without locking over concurrent maps;
 * changes are serialized by one lock, because they are rare next to publishes and because
 * pruning empty nodes is only safe when no other change runs at the same time.
 */
@Singleton
public final class SubscriptionTree {

    /**
     * No subscriber matched: of the same classes as a match's view of a node's subscribers
     * (an unmodifiable {@link ConcurrentHashMap}), so that the router's {@code forEach} over them,
     * compiled for a stream of matched messages, does not meet a class it never saw when a
     * message matches no one (a $SYS publication, a publisher ahead of its subscriber): that was a
     * {@code class_check} deoptimization of {@code Router.deliverToSubscribers} in
     * {@code -Xlog:deoptimization=debug} (docs/benchmarks.md, "Start-of-run transient").
     */
    private static final Map<SubscriberId, TopicSubscription> NO_SUBSCRIBERS =
            Collections.unmodifiableMap(new ConcurrentHashMap<>(1));

    private final Map<String, Node> roots = new ConcurrentHashMap<>();
    private int total;
    private volatile Listener listener;

    /**
     * Told of every subscription added or removed, under the tree's lock, so in the order of the
     * changes (a cluster publishes its routes from it). Must be quick and must not block.
     */
    public interface Listener {
        /** {@code subscriber} now has a subscription to {@code filter} it did not have. */
        void added(String mountpoint, SubscriberId subscriber, String filter);

        /** {@code subscriber} no longer has its subscription to {@code filter}. */
        void removed(String mountpoint, SubscriberId subscriber, String filter);
    }

    /** Sets the listener of subscription changes (one; null: none). */
    public void listener(Listener value) {
        listener = value;
    }

    /**
     * The parts of a shared subscription filter {@code $share/<group>/<filter>} (MQTT 5 §4.8.2),
     * or empty if {@code filter} is not one or is malformed (empty group, wildcards in the group,
     * empty or invalid filter).
     */
    public static java.util.Optional<String[]> sharedParts(String filter) {
        if (!filter.startsWith("$share/")) {
            return java.util.Optional.empty();
        }
        int slash = filter.indexOf('/', 7);
        if (slash <= 7) {
            return java.util.Optional.empty();
        }
        String group = filter.substring(7, slash);
        String inner = filter.substring(slash + 1);
        if (group.contains("+") || group.contains("#") || !io.polyhook.spi.Topics.isValidFilter(inner)) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new String[] {group, inner});
    }

    /**
     * What one topic matched: plain subscribers, each once with its highest-QoS subscription, and
     * the members of each shared group (keyed by the full {@code $share/<group>/<filter>}), of
     * which the router picks one. A subscriber several of whose filters matched gets one copy
     * (MQTT 5 §3.3.4) carrying the subscription identifiers of all of them: those are in
     * {@code subscriptionIds}, which is empty unless such a subscriber had identifiers.
     */
    public record Matches(Map<SubscriberId, TopicSubscription> subscribers,
                          Map<String, Map<SubscriberId, TopicSubscription>> shared,
                          Map<SubscriberId, List<Integer>> subscriptionIds) {

        /** Whether nothing matched. */
        public boolean isEmpty() {
            return subscribers.isEmpty() && shared.isEmpty();
        }

        /** The subscription identifiers the copy for {@code subscriber}, matched by {@code sub}, carries. */
        public List<Integer> subscriptionIdsOf(SubscriberId subscriber, TopicSubscription sub) {
            List<Integer> several = subscriptionIds.isEmpty() ? null : subscriptionIds.get(subscriber);
            return several != null ? several : idsOf(sub);
        }

        /** The subscription identifier of {@code sub} alone (a shared group's member gets its own copy). */
        public static List<Integer> idsOf(TopicSubscription sub) {
            return sub.options().subscriptionIdentifier().isPresent()
                    ? List.of(sub.options().subscriptionIdentifier().getAsInt()) : List.of();
        }
    }

    /**
     * Adds or replaces the subscription of {@code subscriber} to {@code subscription.filter()}.
     *
     * @return whether the subscriber had no subscription to that filter before
     */
    public synchronized boolean subscribe(String mountpoint, SubscriberId subscriber, TopicSubscription subscription) {
        var shared = sharedParts(subscription.filter());
        Node node = roots.computeIfAbsent(mountpoint, m -> new Node());
        for (String level : levels(shared.map(p -> p[1]).orElse(subscription.filter()))) {
            node = node.children.computeIfAbsent(level, l -> new Node());
        }
        boolean added = shared.isPresent()
                ? node.shared.computeIfAbsent(subscription.filter(), g -> new ConcurrentHashMap<>(4))
                        .put(subscriber, subscription) == null
                : node.subscribers.put(subscriber, subscription) == null;
        if (added) {
            total++;
            Listener l = listener;
            if (l != null) {
                l.added(mountpoint, subscriber, subscription.filter());
            }
        }
        return added;
    }

    /** Removes the subscription of {@code subscriber} to {@code filter}; returns whether there was one. */
    public synchronized boolean unsubscribe(String mountpoint, SubscriberId subscriber, String filter) {
        Node root = roots.get(mountpoint);
        if (root == null) {
            return false;
        }
        var shared = sharedParts(filter);
        String[] levels = levels(shared.map(p -> p[1]).orElse(filter));
        Node[] path = new Node[levels.length + 1];
        path[0] = root;
        for (int i = 0; i < levels.length; i++) {
            path[i + 1] = path[i].children.get(levels[i]);
            if (path[i + 1] == null) {
                return false;
            }
        }
        Node leaf = path[levels.length];
        boolean removed;
        if (shared.isPresent()) {
            Map<SubscriberId, TopicSubscription> members = leaf.shared.get(filter);
            removed = members != null && members.remove(subscriber) != null;
            if (members != null && members.isEmpty()) {
                leaf.shared.remove(filter, members);
            }
        } else {
            removed = leaf.subscribers.remove(subscriber) != null;
        }
        if (removed) {
            total--;
            Listener l = listener;
            if (l != null) {
                l.removed(mountpoint, subscriber, filter);
            }
        }
        // Prune from the leaf up so that churn of distinct topics does not grow the tree forever.
        for (int i = levels.length; i > 0 && path[i].isEmpty(); i--) {
            path[i - 1].children.remove(levels[i - 1], path[i]);
        }
        if (root.isEmpty()) {
            roots.remove(mountpoint, root);
        }
        return removed;
    }

    /**
     * The subscribers whose filters match {@code topic} in {@code mountpoint}. A subscriber with
     * several matching filters appears once, with its highest-QoS subscription (MQTT 3.1.1
     * §3.3.5). Filters starting with a wildcard do not match topics starting with {@code $}.
     */
    public Map<SubscriberId, TopicSubscription> match(String mountpoint, String topic) {
        return matchAll(mountpoint, topic).subscribers();
    }

    /**
     * Like {@link #match}, and also the shared groups whose filters match {@code topic}. The maps
     * are read-only; when one filter matched they are views of the tree's own (no copy per
     * message), which a concurrent change may show or not, as it would during the copy.
     */
    public Matches matchAll(String mountpoint, String topic) {
        Node root = roots.get(mountpoint);
        if (root == null) {
            return new Matches(NO_SUBSCRIBERS, Map.of(), Map.of());
        }
        List<Node> matched = new ArrayList<>(2);
        collect(root, topic, 0, topic.startsWith("$"), matched);
        Map<String, Map<SubscriberId, TopicSubscription>> shared = shared(matched);
        Map<SubscriberId, TopicSubscription> only = null;
        Merge merge = null;
        for (Node n : matched) {
            if (n.subscribers.isEmpty()) {
                continue;
            }
            if (only == null) {
                only = n.subscribers;
                continue;
            }
            if (merge == null) {
                merge = new Merge(only);
            }
            merge.add(n.subscribers);
        }
        if (merge != null) {
            return new Matches(merge.subscribers, shared, merge.ids == null ? Map.of() : merge.ids);
        }
        return new Matches(only != null ? Collections.unmodifiableMap(only) : NO_SUBSCRIBERS, shared, Map.of());
    }

    /**
     * Several filters matched: a client with overlapping filters gets the message once, with the
     * highest QoS of its matching subscriptions, unless every one of them is no-local, retained as
     * published if any of them says so, and with all their subscription identifiers.
     */
    private static final class Merge {
        final HashMap<SubscriberId, TopicSubscription> subscribers;
        HashMap<SubscriberId, List<Integer>> ids;

        Merge(Map<SubscriberId, TopicSubscription> first) {
            subscribers = new HashMap<>(first);
        }

        void add(Map<SubscriberId, TopicSubscription> more) {
            more.forEach((id, sub) -> {
                TopicSubscription earlier = subscribers.putIfAbsent(id, sub);
                if (earlier != null) {
                    subscribers.put(id, combined(earlier, sub));
                    collectIds(id, earlier, sub);
                }
            });
        }

        private void collectIds(SubscriberId id, TopicSubscription earlier, TopicSubscription sub) {
            if (ids == null) {
                ids = new HashMap<>();
            }
            List<Integer> list = ids.get(id);
            if (list == null) {
                // The first overlap of this subscriber: `earlier` is still one subscription of its own.
                list = new ArrayList<>(2);
                earlier.options().subscriptionIdentifier().ifPresent(list::add);
                ids.put(id, list);
            }
            sub.options().subscriptionIdentifier().ifPresent(list::add);
        }

        private static TopicSubscription combined(TopicSubscription a, TopicSubscription b) {
            TopicSubscription high = b.qos() > a.qos() ? b : a;
            boolean noLocal = a.options().noLocal() && b.options().noLocal();
            boolean asPublished = a.options().retainAsPublished() || b.options().retainAsPublished();
            if (noLocal == high.options().noLocal() && asPublished == high.options().retainAsPublished()) {
                return high;
            }
            return new TopicSubscription(high.filter(), high.qos(), new io.polyhook.spi.SubscriptionOptions(asPublished,
                    noLocal, high.options().retainHandling(), high.options().subscriptionIdentifier()));
        }
    }

    private static Map<String, Map<SubscriberId, TopicSubscription>> shared(List<Node> matched) {
        Map<String, Map<SubscriberId, TopicSubscription>> shared = null;
        for (Node n : matched) {
            if (!n.shared.isEmpty()) {
                if (shared == null) {
                    shared = new HashMap<>();
                }
                shared.putAll(n.shared);
            }
        }
        return shared == null ? Map.of() : shared;
    }

    /** The number of subscriptions in every mountpoint. */
    public synchronized int totalSize() {
        return total;
    }

    /** The number of subscriptions in {@code mountpoint}, for tests and metrics. */
    public int size(String mountpoint) {
        Node root = roots.get(mountpoint);
        return root == null ? 0 : root.count();
    }

    /** Whether {@code filter} matches {@code topic} by the rules of {@link #match}. */
    public static boolean matches(String filter, String topic) {
        String[] f = levels(filter);
        String[] t = levels(topic);
        if (topic.startsWith("$") && (f[0].equals("+") || f[0].equals("#"))) {
            return false;
        }
        for (int i = 0; i < f.length; i++) {
            if (f[i].equals("#")) {
                return true;
            }
            if (i >= t.length || !(f[i].equals("+") || f[i].equals(t[i]))) {
                return false;
            }
        }
        return f.length == t.length;
    }

    /**
     * Collects the nodes matching {@code topic} from the level starting at {@code from} (-1: past
     * the last level). The topic is walked level by level, not split: the split's list and
     * array were a tenth of the broker's garbage per message.
     */
    private static void collect(Node node, String topic, int from, boolean dollar, List<Node> matched) {
        boolean wildcardsAllowed = !(from == 0 && dollar);
        if (wildcardsAllowed) {
            // "a/#" also matches "a" itself: the multi-level wildcard covers the parent level.
            Node hash = node.children.get("#");
            if (hash != null) {
                matched.add(hash);
            }
        }
        if (from < 0) {
            matched.add(node);
            return;
        }
        int end = topic.indexOf('/', from);
        String level = end < 0 ? topic.substring(from) : topic.substring(from, end);
        int next = end < 0 ? -1 : end + 1;
        Node exact = node.children.get(level);
        if (exact != null) {
            collect(exact, topic, next, dollar, matched);
        }
        if (wildcardsAllowed) {
            Node plus = node.children.get("+");
            if (plus != null) {
                collect(plus, topic, next, dollar, matched);
            }
        }
    }

    private static String[] levels(String topic) {
        return topic.split("/", -1);
    }

    private static final class Node {
        final Map<String, Node> children = new ConcurrentHashMap<>(4);
        final Map<SubscriberId, TopicSubscription> subscribers = new ConcurrentHashMap<>(4);
        // Shared groups subscribed to this node's filter, by "$share/<group>/<filter>".
        final Map<String, Map<SubscriberId, TopicSubscription>> shared = new ConcurrentHashMap<>(1);

        boolean isEmpty() {
            return children.isEmpty() && subscribers.isEmpty() && shared.isEmpty();
        }

        int count() {
            int n = subscribers.size();
            for (Map<SubscriberId, TopicSubscription> g : shared.values()) {
                n += g.size();
            }
            for (Node c : children.values()) {
                n += c.count();
            }
            return n;
        }
    }
}
