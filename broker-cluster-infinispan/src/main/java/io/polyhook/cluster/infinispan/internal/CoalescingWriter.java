package io.polyhook.cluster.infinispan.internal;

import org.infinispan.Cache;
import org.infinispan.context.Flag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Writes a node's own entries to a cache off the caller's thread, one writer at a time, keeping
 * only the last state of each key: a subscription storm becomes a few {@code putAll}s instead
 * of one replicated write per SUBSCRIBE, and a subscribe-unsubscribe pair of one filter may
 * cancel out before it costs the network anything.
 *
 * <p>A write of this node's own entry that fails (the cache is between topologies after a
 * crash, a remote call timed out) stays queued, unless a newer state of the key came meanwhile,
 * and is tried again after {@link #RETRY_MILLIS}: nothing is dropped, and failures never spin
 * (a write that fails stops the pass; the next one waits for the delay).
 * A purge of another node's entry is not retried as it is (that node may have come back and
 * written it again): its failure is reported, after the same delay, to whoever decides again
 * whether to purge.
 */
final class CoalescingWriter<V> {

    private static final Logger LOG = LoggerFactory.getLogger(CoalescingWriter.class);
    private static final int BATCH = 1_000;
    /** How long a failed write waits before it is tried again. */
    static final long RETRY_MILLIS = 500;

    private final Cache<String, V> cache;
    private final Executor executor;
    private final ScheduledExecutorService timer;
    private final Map<String, Optional<V>> pending = new ConcurrentHashMap<>();
    private final Set<String> purges = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AtomicBoolean retrying = new AtomicBoolean();
    private volatile boolean draining;
    private final Runnable purgeFailed;
    private final boolean retryOwn;

    /**
     * Writes to {@code cache} on {@code executor}; retries wait on {@code timer};
     * {@code purgeFailed} runs on the timer after a failed {@link #purge}. {@code retryOwn}:
     * whether a failed {@link #put} or {@link #remove} is tried again (false where the key is
     * not this node's alone and a late retry could overwrite another node's newer write).
     */
    CoalescingWriter(Cache<String, V> cache, Executor executor, ScheduledExecutorService timer, Runnable purgeFailed,
                     boolean retryOwn) {
        this.cache = cache.getAdvancedCache().withFlags(Flag.IGNORE_RETURN_VALUES);
        this.executor = executor;
        this.timer = timer;
        this.purgeFailed = purgeFailed;
        this.retryOwn = retryOwn;
    }

    /** This node's entry {@code key} is {@code value} from now on. */
    void put(String key, V value) {
        pending.put(key, Optional.of(value));
        schedule();
    }

    /** This node's entry {@code key} is gone from now on. */
    void remove(String key) {
        pending.put(key, Optional.empty());
        schedule();
    }

    /** Removes another node's entry {@code key} once; a failure is reported, not retried. */
    void purge(String key) {
        purges.add(key);
        schedule();
    }

    /** Whether every write asked for so far has reached the cache (or failed and waits to be retried: not idle). */
    boolean idle() {
        return pending.isEmpty() && purges.isEmpty() && !scheduled.get() && !draining;
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                executor.execute(this::drain);
            } catch (RejectedExecutionException stopping) {
                scheduled.set(false);
            }
        }
    }

    private void drain() {
        draining = true;
        scheduled.set(false);
        try {
            boolean ownFailed = false;
            boolean purgeFailedNow = false;
            while (!ownFailed && (!pending.isEmpty() || !purges.isEmpty())) {
                for (String key : purges) {
                    if (purges.remove(key)) {
                        try {
                            cache.remove(key);
                        } catch (RuntimeException e) {
                            purgeFailedNow = true;
                            LOG.debug("purging {} from {} failed: {}", key, cache.getName(), e.toString());
                        }
                    }
                }
                ownFailed = writeOwn();
            }
            if (ownFailed) {
                later(this::schedule);
            }
            if (purgeFailedNow) {
                later(purgeFailed);
            }
        } finally {
            draining = false;
        }
    }

    /** One pass over this node's queued entries; true if one failed and is queued again. */
    private boolean writeOwn() {
        Map<String, V> puts = new HashMap<>();
        for (String key : pending.keySet()) {
            Optional<V> v = pending.remove(key);
            if (v == null) {
                continue;
            }
            if (v.isPresent()) {
                puts.put(key, v.get());
                if (puts.size() >= BATCH && !putAll(puts) && retryOwn) {
                    return true;
                }
            } else {
                try {
                    cache.remove(key);
                } catch (RuntimeException e) {
                    requeue(key, v, e);
                    if (retryOwn) {
                        return true;
                    }
                }
            }
        }
        return !putAll(puts) && retryOwn;
    }

    private boolean putAll(Map<String, V> puts) {
        if (puts.isEmpty()) {
            return true;
        }
        try {
            cache.putAll(puts);
            puts.clear();
            return true;
        } catch (RuntimeException e) {
            puts.forEach((k, v) -> requeue(k, Optional.of(v), e));
            puts.clear();
            return false;
        }
    }

    private void requeue(String key, Optional<V> value, RuntimeException cause) {
        if (!retryOwn) {
            LOG.debug("write of {} to {} failed: {}", key, cache.getName(), cause.toString());
            return;
        }
        // A newer state of the key, queued meanwhile, wins over the one that failed.
        pending.putIfAbsent(key, value);
        LOG.debug("write of {} to {} failed, retried in {} ms: {}", key, cache.getName(), RETRY_MILLIS, cause.toString());
    }

    private void later(Runnable task) {
        if (task == purgeFailed || retrying.compareAndSet(false, true)) {
            try {
                timer.schedule(() -> {
                    if (task != purgeFailed) {
                        retrying.set(false);
                    }
                    task.run();
                }, RETRY_MILLIS, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopping) {
                retrying.set(false);
            }
        }
    }
}
