package io.polyhook.broker.cluster;

import io.polyhook.broker.routing.Message;
import io.polyhook.spi.Registration;

import java.util.function.BiConsumer;

/**
 * Retained messages on every node: each node keeps its local {@code RetainedStore} (a trie for
 * wildcard lookups) and the cluster copies every change to the others. Concurrent changes of one
 * topic: the later one wins, on every node (after a split heals too).
 */
public interface ClusterRetained {

    /** Copies a change of this node to the others: {@code message} retained, or the topic cleared by an empty payload. */
    void retain(String mountpoint, Message message);

    /**
     * Calls {@code listener} with every change made on another node, as {@code RetainedStore.retain}
     * takes it (an empty payload clears the topic): {@code cluster.retained().onChange(store::retain)}.
     */
    Registration onChange(BiConsumer<String, Message> listener);

    /** Hands every retained message the cluster holds to {@code sink}: what a node loads when it joins. */
    void forEach(BiConsumer<String, Message> sink);
}
