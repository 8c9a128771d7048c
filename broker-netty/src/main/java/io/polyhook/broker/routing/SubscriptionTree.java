package io.polyhook.broker.routing;

import io.polyhook.spi.SubscriberId;
import io.polyhook.spi.TopicSubscription;
import jakarta.inject.Singleton;

import java.util.HashMap;
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

    private final Map<String, Node> roots = new ConcurrentHashMap<>();

    /**
     * Adds or replaces the subscription of {@code subscriber} to {@code subscription.filter()}.
     *
     * @return whether the subscriber had no subscription to that filter before
     */
    public synchronized boolean subscribe(String mountpoint, SubscriberId subscriber, TopicSubscription subscription) {
        Node node = roots.computeIfAbsent(mountpoint, m -> new Node());
        for (String level : levels(subscription.filter())) {
            node = node.children.computeIfAbsent(level, l -> new Node());
        }
        return node.subscribers.put(subscriber, subscription) == null;
    }

    /** Removes the subscription of {@code subscriber} to {@code filter}; returns whether there was one. */
    public synchronized boolean unsubscribe(String mountpoint, SubscriberId subscriber, String filter) {
        Node root = roots.get(mountpoint);
        if (root == null) {
            return false;
        }
        String[] levels = levels(filter);
        Node[] path = new Node[levels.length + 1];
        path[0] = root;
        for (int i = 0; i < levels.length; i++) {
            path[i + 1] = path[i].children.get(levels[i]);
            if (path[i + 1] == null) {
                return false;
            }
        }
        boolean removed = path[levels.length].subscribers.remove(subscriber) != null;
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
        Node root = roots.get(mountpoint);
        if (root == null) {
            return Map.of();
        }
        Map<SubscriberId, TopicSubscription> out = new HashMap<>();
        collect(root, levels(topic), 0, topic.startsWith("$"), out);
        return out;
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

    private static void collect(Node node, String[] levels, int i, boolean dollar,
                                Map<SubscriberId, TopicSubscription> out) {
        boolean wildcardsAllowed = !(i == 0 && dollar);
        if (wildcardsAllowed) {
            // "a/#" also matches "a" itself: the multi-level wildcard covers the parent level.
            Node hash = node.children.get("#");
            if (hash != null) {
                add(hash, out);
            }
        }
        if (i == levels.length) {
            add(node, out);
            return;
        }
        Node exact = node.children.get(levels[i]);
        if (exact != null) {
            collect(exact, levels, i + 1, dollar, out);
        }
        if (wildcardsAllowed) {
            Node plus = node.children.get("+");
            if (plus != null) {
                collect(plus, levels, i + 1, dollar, out);
            }
        }
    }

    private static void add(Node node, Map<SubscriberId, TopicSubscription> out) {
        node.subscribers.forEach((id, sub) -> out.merge(id, sub, (a, b) -> b.qos() > a.qos() ? b : a));
    }

    private static String[] levels(String topic) {
        return topic.split("/", -1);
    }

    private static final class Node {
        final Map<String, Node> children = new ConcurrentHashMap<>(4);
        final Map<SubscriberId, TopicSubscription> subscribers = new ConcurrentHashMap<>(4);

        boolean isEmpty() {
            return children.isEmpty() && subscribers.isEmpty();
        }

        int count() {
            int n = subscribers.size();
            for (Node c : children.values()) {
                n += c.count();
            }
            return n;
        }
    }
}
