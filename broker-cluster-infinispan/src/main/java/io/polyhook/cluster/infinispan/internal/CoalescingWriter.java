package io.polyhook.cluster.infinispan.internal;

import org.infinispan.Cache;
import org.infinispan.context.Flag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Writes a node's own entries to a cache off the caller's thread, one writer at a time, keeping
 * only the last state of each key: a subscription storm becomes a few {@code putAll}s instead
 * of one replicated write per SUBSCRIBE, and a subscribe-unsubscribe pair of one filter may
 * cancel out before it costs the network anything.
 */
final class CoalescingWriter<V> {

    private static final Logger LOG = LoggerFactory.getLogger(CoalescingWriter.class);
    private static final int BATCH = 1_000;

    private final Cache<String, V> cache;
    private final Executor executor;
    private final Map<String, Optional<V>> pending = new ConcurrentHashMap<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Runnable reconcile;

    /** Writes to {@code cache} on {@code executor}; {@code reconcile} runs after a failed write. */
    CoalescingWriter(Cache<String, V> cache, Executor executor, Runnable reconcile) {
        this.cache = cache.getAdvancedCache().withFlags(Flag.IGNORE_RETURN_VALUES);
        this.executor = executor;
        this.reconcile = reconcile;
    }

    void put(String key, V value) {
        pending.put(key, Optional.of(value));
        schedule();
    }

    void remove(String key) {
        pending.put(key, Optional.empty());
        schedule();
    }

    /** Whether writes wait to be done. */
    boolean idle() {
        return pending.isEmpty() && !scheduled.get();
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            executor.execute(this::drain);
        }
    }

    private void drain() {
        scheduled.set(false);
        boolean failed = false;
        while (!pending.isEmpty()) {
            Map<String, V> puts = new HashMap<>();
            for (String key : pending.keySet()) {
                Optional<V> v = pending.remove(key);
                if (v == null) {
                    continue;
                }
                try {
                    if (v.isPresent()) {
                        puts.put(key, v.get());
                        if (puts.size() >= BATCH) {
                            cache.putAll(puts);
                            puts.clear();
                        }
                    } else {
                        cache.remove(key);
                    }
                } catch (RuntimeException e) {
                    failed = true;
                    LOG.debug("write to {} failed: {}", cache.getName(), e.toString());
                }
            }
            try {
                if (!puts.isEmpty()) {
                    cache.putAll(puts);
                }
            } catch (RuntimeException e) {
                failed = true;
                LOG.debug("write to {} failed: {}", cache.getName(), e.toString());
            }
        }
        if (failed) {
            // The reconciliation rewrites whatever the cache is missing once it can.
            reconcile.run();
        }
    }
}
