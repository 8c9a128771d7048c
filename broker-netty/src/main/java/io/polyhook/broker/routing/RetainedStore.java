package io.polyhook.broker.routing;

import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The retained message of each topic, per mountpoint. A retained message with an empty payload
 * clears the topic (MQTT 3.1.1 §3.3.1.3).
 *
 * <p>Lookup by filter scans the mountpoint's topics: fine for thousands of retained topics;
 * a trie can replace it without changing the API when that matters.
 */
@Singleton
public final class RetainedStore {

    private final Map<String, Map<String, Message>> byMountpoint = new ConcurrentHashMap<>();

    /** Stores {@code message} as the retained message of its topic, or clears the topic if its payload is empty. */
    public void retain(String mountpoint, Message message) {
        if (message.payload().isEmpty()) {
            Map<String, Message> topics = byMountpoint.get(mountpoint);
            if (topics != null) {
                topics.remove(message.topic());
            }
            return;
        }
        byMountpoint.computeIfAbsent(mountpoint, m -> new ConcurrentHashMap<>()).put(message.topic(), message);
    }

    /** The retained messages whose topics match {@code filter}. */
    public List<Message> matching(String mountpoint, String filter) {
        Map<String, Message> topics = byMountpoint.get(mountpoint);
        if (topics == null || topics.isEmpty()) {
            return List.of();
        }
        List<Message> out = new ArrayList<>();
        for (Message m : topics.values()) {
            if (SubscriptionTree.matches(filter, m.topic())) {
                out.add(m);
            }
        }
        return out;
    }

    /** The number of retained messages in {@code mountpoint}. */
    public int size(String mountpoint) {
        Map<String, Message> topics = byMountpoint.get(mountpoint);
        return topics == null ? 0 : topics.size();
    }
}
