package io.polyhook.broker.routing;

import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The retained message of each topic, per mountpoint, as a topic trie: a subscription walks only
 * the branches its filter can match. A retained message with an empty payload clears the topic
 * (MQTT 3.1.1 §3.3.1.3).
 *
 * <p>Lookups run on any event loop over concurrent maps without locking; changes are serialized
 * by one lock, because pruning emptied branches is only safe when no other change runs.
 */
@Singleton
public final class RetainedStore {

    private final Map<String, Node> roots = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

    /** Stores {@code message} as the retained message of its topic, or clears the topic if its payload is empty. */
    public synchronized void retain(String mountpoint, Message message) {
        String[] levels = message.topic().split("/", -1);
        if (message.payload().isEmpty()) {
            clear(mountpoint, levels);
            return;
        }
        Node node = roots.computeIfAbsent(mountpoint, m -> new Node());
        for (String level : levels) {
            node = node.children.computeIfAbsent(level, l -> new Node());
        }
        if (node.message == null) {
            counts.computeIfAbsent(mountpoint, m -> new AtomicInteger()).incrementAndGet();
        }
        node.message = message;
    }

    private void clear(String mountpoint, String[] levels) {
        Node root = roots.get(mountpoint);
        if (root == null) {
            return;
        }
        Node[] path = new Node[levels.length + 1];
        path[0] = root;
        for (int i = 0; i < levels.length; i++) {
            path[i + 1] = path[i].children.get(levels[i]);
            if (path[i + 1] == null) {
                return;
            }
        }
        if (path[levels.length].message == null) {
            return;
        }
        path[levels.length].message = null;
        counts.get(mountpoint).decrementAndGet();
        // Prune from the leaf up so that churn of distinct topics does not grow the trie forever.
        for (int i = levels.length; i > 0 && path[i].isEmpty(); i--) {
            path[i - 1].children.remove(levels[i - 1], path[i]);
        }
        if (root.isEmpty()) {
            roots.remove(mountpoint, root);
        }
    }

    /** The retained messages whose topics match {@code filter}. */
    public List<Message> matching(String mountpoint, String filter) {
        Node root = roots.get(mountpoint);
        if (root == null) {
            return List.of();
        }
        List<Message> out = new ArrayList<>();
        collect(root, filter.split("/", -1), 0, out);
        return out;
    }

    private static void collect(Node node, String[] filter, int i, List<Message> out) {
        if (i == filter.length) {
            Message m = node.message;
            if (m != null) {
                out.add(m);
            }
            return;
        }
        String level = filter[i];
        if (level.equals("#")) {
            // "a/#" also matches "a" itself.
            Message m = node.message;
            if (m != null && i > 0) {
                out.add(m);
            }
            node.children.forEach((name, child) -> {
                if (!(i == 0 && name.startsWith("$"))) {
                    all(child, out);
                }
            });
        } else if (level.equals("+")) {
            node.children.forEach((name, child) -> {
                // Filters starting with a wildcard do not match topics starting with $ (MQTT §4.7.2).
                if (!(i == 0 && name.startsWith("$"))) {
                    collect(child, filter, i + 1, out);
                }
            });
        } else {
            Node child = node.children.get(level);
            if (child != null) {
                collect(child, filter, i + 1, out);
            }
        }
    }

    private static void all(Node node, List<Message> out) {
        Message m = node.message;
        if (m != null) {
            out.add(m);
        }
        node.children.values().forEach(c -> all(c, out));
    }

    /** The number of retained messages in {@code mountpoint}. */
    public int size(String mountpoint) {
        AtomicInteger n = counts.get(mountpoint);
        return n == null ? 0 : n.get();
    }

    /** The number of retained messages in every mountpoint. */
    public int totalSize() {
        int n = 0;
        for (AtomicInteger c : counts.values()) {
            n += c.get();
        }
        return n;
    }

    private static final class Node {
        final Map<String, Node> children = new ConcurrentHashMap<>(4);
        volatile Message message;

        boolean isEmpty() {
            return message == null && children.isEmpty();
        }
    }
}
