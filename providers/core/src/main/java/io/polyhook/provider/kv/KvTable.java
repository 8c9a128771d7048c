package io.polyhook.provider.kv;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import io.polyhook.core.provider.Values;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One kv table: keys to the values stored under them, held in a Caffeine cache so that a TTL
 * and a size cap come for free. Thread-safe.
 *
 * <p>Stored values are deep, immutable copies of what scripts passed, and lookups hand out
 * fresh copies, so no caller can change what another one reads.
 */
final class KvTable implements ScriptTable {

    private final TableType type;
    private final Duration ttl;
    private final Cache<String, List<Object>> entries;
    // Writes take the lock so that insert_new's check-then-insert over several keys is atomic,
    // as it is in ETS, and so that a persistent table's store writes are in the order of its
    // memory changes. Lookups do not. A ReentrantLock, not synchronized: callers are virtual threads.
    private final ReentrantLock writes = new ReentrantLock();
    private final TableStore store; // null: in memory only
    // Keys Caffeine evicted (size cap, expiry), for the next write to remove from the store. Filled
    // by whichever thread runs maintenance, which may hold Caffeine's locks: it must not take ours.
    private final Queue<String> evicted = new ConcurrentLinkedQueue<>();

    /**
     * @param ttl how long a key lives after its last insert, or {@code null} for ever
     * @param maxSize how many keys the table holds at most, or {@code null} for no limit
     * @param store where the table's entries outlive the node, or {@code null} for nowhere
     */
    KvTable(TableType type, Duration ttl, Long maxSize, Ticker ticker, TableStore store) {
        this.type = type;
        this.ttl = ttl;
        this.store = store;
        // Maintenance (eviction) runs on the calling thread: it is cheap, and keeps the
        // table within its cap when the insert returns.
        Caffeine<Object, Object> builder = Caffeine.newBuilder().executor(Runnable::run).ticker(ticker);
        if (ttl != null) {
            // Variable, so that entries loaded from the store keep only what was left of their time.
            builder.expireAfter(Expiry.writing((String k, List<Object> v) -> ttl));
        }
        if (maxSize != null) {
            builder.maximumSize(maxSize);
        }
        if (store != null) {
            builder.removalListener((String key, List<Object> v, RemovalCause cause) -> {
                if (cause.wasEvicted()) {
                    evicted.add(key);
                }
            });
        }
        this.entries = builder.build();
    }

    TableType type() {
        return type;
    }

    /**
     * Fills the table from its store: entries whose time ran out while the broker was down are
     * dropped, those beyond the size cap too, both from the store as well. Called once, before
     * the table is visible.
     */
    void load(Consumer<String> damaged) {
        List<String> expired = new ArrayList<>();
        store.load((key, entry) -> {
            if (entry.expiresAt() == StoredEntry.NEVER) {
                entries.put(key, entry.values());
                return;
            }
            Duration left = store.remaining(entry);
            if (left.isNegative() || left.isZero()) {
                expired.add(key);
            } else if (ttl == null) {
                // The table lost its ttl since: the entry lives on, as entries written now do.
                entries.put(key, entry.values());
            } else {
                Duration capped = left.compareTo(ttl) < 0 ? left : ttl;
                entries.policy().expireVariably().orElseThrow().put(key, entry.values(), capped);
            }
        }, damaged);
        entries.cleanUp();
        writes.lock();
        try {
            List<String> removals = new ArrayList<>(expired);
            drainEvicted(Map.of(), removals);
            if (!removals.isEmpty()) {
                store.await(store.write(Map.of(), removals));
            }
        } finally {
            writes.unlock();
        }
    }

    /** Stores every pair; {@code null} values are skipped, as a Lua table cannot hold nil. */
    @Override
    public void insert(Map<String, Object> pairs) {
        CompletionStage<Void> written;
        writes.lock();
        try {
            written = store(pairs);
        } finally {
            writes.unlock();
        }
        awaitStored(written);
    }

    /** Stores every pair if none of the keys is present, atomically; whether it stored them. */
    @Override
    public boolean insertNew(Map<String, Object> pairs) {
        CompletionStage<Void> written;
        writes.lock();
        try {
            for (String key : pairs.keySet()) {
                if (entries.getIfPresent(key) != null) {
                    return false;
                }
            }
            written = store(pairs);
        } finally {
            writes.unlock();
        }
        awaitStored(written);
        return true;
    }

    /** The values under {@code key}, oldest first, as fresh copies; empty if there are none. */
    @Override
    public List<Object> lookup(String key) {
        List<Object> values = entries.getIfPresent(key);
        if (values == null) {
            return new ArrayList<>();
        }
        List<Object> copy = new ArrayList<>(values.size());
        for (Object value : values) {
            // Stored containers are unmodifiable already; the copy also protects byte arrays.
            copy.add(Values.immutableCopy(value));
        }
        return copy;
    }

    @Override
    public void delete(String key) {
        CompletionStage<Void> written = null;
        writes.lock();
        try {
            if (store != null) {
                List<String> removals = new ArrayList<>(List.of(key));
                drainEvicted(Map.of(), removals);
                written = store.write(Map.of(), removals);
            }
            entries.invalidate(key);
        } finally {
            writes.unlock();
        }
        awaitStored(written);
    }

    @Override
    public void deleteAll() {
        CompletionStage<Void> written = null;
        writes.lock();
        try {
            if (store != null) {
                evicted.clear();
                written = store.drop();
            }
            entries.invalidateAll();
        } finally {
            writes.unlock();
        }
        awaitStored(written);
    }

    // Under the lock. The store first: if it refuses the write, memory stays as it was.
    private CompletionStage<Void> store(Map<String, Object> pairs) {
        Map<String, List<Object>> updates = new LinkedHashMap<>();
        for (Map.Entry<String, Object> pair : pairs.entrySet()) {
            if (pair.getValue() == null) {
                continue;
            }
            Object value = Values.immutableCopy(pair.getValue());
            List<Object> existing = entries.getIfPresent(pair.getKey());
            updates.put(pair.getKey(), type.merged(existing, value));
        }
        CompletionStage<Void> written = null;
        if (store != null && !updates.isEmpty()) {
            Map<String, byte[]> puts = new LinkedHashMap<>();
            updates.forEach((key, values) -> puts.put(key, store.entry(values, ttl)));
            List<String> removals = new ArrayList<>();
            drainEvicted(puts, removals);
            written = store.write(puts, removals);
        }
        entries.putAll(updates);
        return written;
    }

    /** Adds the evicted keys that are still absent, and not written now, to {@code removals}. Under the lock. */
    private void drainEvicted(Map<String, byte[]> puts, List<String> removals) {
        for (String key; (key = evicted.poll()) != null; ) {
            if (!puts.containsKey(key) && !removals.contains(key) && entries.getIfPresent(key) == null) {
                removals.add(key);
            }
        }
    }

    private void awaitStored(CompletionStage<Void> written) {
        if (written != null) {
            store.await(written);
        }
    }

    /**
     * Equality of model values, all the way down, comparing byte arrays by content. A
     * {@code Long} never equals a {@code Double}, as {@code 1} and {@code 1.0} are distinct
     * objects in an ETS bag.
     */
    static boolean sameValue(Object a, Object b) {
        return switch (a) {
            case byte[] x -> b instanceof byte[] y && Arrays.equals(x, y);
            case List<?> x -> {
                if (!(b instanceof List<?> y) || x.size() != y.size()) {
                    yield false;
                }
                for (int i = 0; i < x.size(); i++) {
                    if (!sameValue(x.get(i), y.get(i))) {
                        yield false;
                    }
                }
                yield true;
            }
            case Map<?, ?> x -> {
                if (!(b instanceof Map<?, ?> y) || x.size() != y.size()) {
                    yield false;
                }
                for (Map.Entry<?, ?> e : x.entrySet()) {
                    if (!y.containsKey(e.getKey()) || !sameValue(e.getValue(), y.get(e.getKey()))) {
                        yield false;
                    }
                }
                yield true;
            }
            case null, default -> Objects.equals(a, b);
        };
    }
}
