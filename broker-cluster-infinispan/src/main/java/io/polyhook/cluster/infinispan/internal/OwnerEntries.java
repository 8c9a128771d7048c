package io.polyhook.cluster.infinispan.internal;

import org.infinispan.AdvancedCache;
import org.infinispan.Cache;
import org.infinispan.factories.ComponentRegistry;
import org.infinispan.partitionhandling.AvailabilityException;
import org.infinispan.partitionhandling.impl.PartitionHandlingManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The calls the owner registry makes on the owner cache, each checked first against the cache's
 * partition handling, the same check Infinispan makes inside the call. A call Infinispan refuses
 * itself (a degraded cache, a key whose owners are not all on this side) is logged by Infinispan
 * as an ERROR with a whole stack trace, once per call: checked here, it is refused before it is
 * made, with the same {@link AvailabilityException}, and this node logs one line when the cache
 * starts refusing and one when it accepts again.
 */
final class OwnerEntries {

    private static final Logger LOG = LoggerFactory.getLogger(OwnerEntries.class);

    /** Whether the last call was refused: a line is logged only when this changes. */
    enum State { ACCEPTING, REFUSING }

    private final String self;
    private final AdvancedCache<String, String> cache;
    private final PartitionHandlingManager partitions;
    private final AtomicReference<State> state = new AtomicReference<>(State.ACCEPTING);

    OwnerEntries(String self, Cache<String, String> cache) {
        this.self = self;
        this.cache = cache.getAdvancedCache();
        this.partitions = ComponentRegistry.componentOf(cache, PartitionHandlingManager.class);
    }

    String get(String key) {
        return call(() -> {
            partitions.checkRead(key, 0L);
            return cache.get(key);
        });
    }

    Map<String, String> getAll(Set<String> keys) {
        return call(() -> {
            keys.forEach(k -> partitions.checkRead(k, 0L));
            return cache.getAll(keys);
        });
    }

    String putIfAbsent(String key, String value) {
        return call(() -> {
            partitions.checkWrite(key);
            return cache.putIfAbsent(key, value);
        });
    }

    boolean replace(String key, String expected, String value) {
        return call(() -> {
            partitions.checkWrite(key);
            return cache.replace(key, expected, value);
        });
    }

    boolean remove(String key, String expected) {
        return call(() -> {
            partitions.checkWrite(key);
            return cache.remove(key, expected);
        });
    }

    /** Completes with whether {@code value} was written (no entry was there). */
    CompletableFuture<Boolean> putIfAbsentAsync(String key, String value) {
        return call(() -> {
            partitions.checkWrite(key);
            return cache.putIfAbsentAsync(key, value).thenApply(previous -> previous == null);
        });
    }

    CompletableFuture<Boolean> replaceAsync(String key, String expected, String value) {
        return call(() -> {
            partitions.checkWrite(key);
            return cache.replaceAsync(key, expected, value);
        });
    }

    private <T> T call(Supplier<T> work) {
        try {
            T result = work.get();
            if (state.compareAndSet(State.REFUSING, State.ACCEPTING)) {
                LOG.info("the owner cache accepts calls on node {} again", self);
            }
            return result;
        } catch (AvailabilityException e) {
            if (state.compareAndSet(State.ACCEPTING, State.REFUSING)) {
                LOG.warn("the owner cache refuses calls on node {} ({}, {}): client ids are not registered here"
                        + " until it is available again", self, cache.getAvailability(), e.getMessage());
            }
            throw e;
        }
    }
}
