package io.polyhook.broker.routing;

import io.polyhook.broker.config.BrokerSettings;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 *
 * <p>Bounded over all mountpoints in messages ({@code broker.max_retained_messages}) and bytes
 * ({@code broker.max_retained_bytes}, {@link Message#heapBytes()}): a retained message that does not
 * fit is still routed, but not kept, and it clears what its topic held before, so that a
 * subscriber never gets a stale value as if it were the latest.
 */
@Singleton
public final class RetainedStore {

    private static final Logger LOG = LoggerFactory.getLogger(RetainedStore.class);

    private final Map<String, Node> roots = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final int maxMessages;
    private final long maxBytes;
    // Guarded by this.
    private int total;
    private long bytes;
    private long refused;
    private volatile Changes changes = Changes.NONE;

    /** Told of every change to the retained messages (a durable store keeps them). */
    public interface Changes {
        /** Nobody is told. */
        Changes NONE = new Changes() {
            @Override
            public void retained(String mountpoint, Message message) {
            }

            @Override
            public void cleared(String mountpoint, String topic) {
            }
        };

        /** {@code message} is now the retained message of its topic. */
        void retained(String mountpoint, Message message);

        /** {@code topic} holds no retained message any more. */
        void cleared(String mountpoint, String topic);
    }

    /** From now on {@code listener} is told of every change (set after the retained messages are loaded). */
    public void changes(Changes listener) {
        changes = listener;
    }

    /** A store without bounds. */
    public RetainedStore() {
        this(Integer.MAX_VALUE, Long.MAX_VALUE);
    }

    /** A store bounded by {@code broker.max_retained_messages} and {@code broker.max_retained_bytes}. */
    @Inject
    public RetainedStore(BrokerSettings settings) {
        this(settings.limits().maxRetainedMessages(), settings.limits().maxRetainedBytes());
    }

    /** A store of at most {@code maxMessages} messages holding at most {@code maxBytes}. */
    public RetainedStore(int maxMessages, long maxBytes) {
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
    }

    /**
     * Stores {@code message} as the retained message of its topic, or clears the topic if its
     * payload is empty.
     *
     * @return false if the message did not fit the store's bounds (the topic is then cleared)
     */
    public synchronized boolean retain(String mountpoint, Message message) {
        String[] levels = message.topic().split("/", -1);
        if (message.payload().isEmpty()) {
            clear(mountpoint, levels);
            changes.cleared(mountpoint, message.topic());
            return true;
        }
        Node existing = find(mountpoint, levels);
        Message old = existing == null ? null : existing.message;
        long size = message.heapBytes();
        long oldSize = old == null ? 0 : old.heapBytes();
        if ((old == null && total >= maxMessages) || bytes - oldSize + size > maxBytes) {
            refused++;
            if (refused == 1) {
                LOG.warn("retained store full ({} messages, {} bytes; broker.max_retained_messages {},"
                        + " broker.max_retained_bytes {}): retained messages for new topics are not kept", total, bytes,
                        maxMessages, maxBytes);
            }
            LOG.debug("retained message for {} not kept: the store is full", message.topic());
            if (old != null) {
                clear(mountpoint, levels);
                changes.cleared(mountpoint, message.topic());
            }
            return false;
        }
        Node node = roots.computeIfAbsent(mountpoint, m -> new Node());
        for (String level : levels) {
            node = node.children.computeIfAbsent(level, l -> new Node());
        }
        if (node.message == null) {
            counts.computeIfAbsent(mountpoint, m -> new AtomicInteger()).incrementAndGet();
            total++;
        }
        bytes += size - oldSize;
        node.message = message;
        changes.retained(mountpoint, message);
        return true;
    }

    private Node find(String mountpoint, String[] levels) {
        Node node = roots.get(mountpoint);
        for (int i = 0; node != null && i < levels.length; i++) {
            node = node.children.get(levels[i]);
        }
        return node;
    }

    /** The bytes the retained messages hold ({@link Message#heapBytes()}), over all mountpoints. */
    public synchronized long bytes() {
        return bytes;
    }

    /** How many retained messages were not kept because the store was full. */
    public synchronized long refusedCount() {
        return refused;
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
        Message old = path[levels.length].message;
        if (old == null) {
            return;
        }
        path[levels.length].message = null;
        counts.get(mountpoint).decrementAndGet();
        total--;
        bytes -= old.heapBytes();
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
