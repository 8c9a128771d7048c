package io.polyhook.provider.kv;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.polyhook.core.provider.Values;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One kv table: keys to the values stored under them, held in a Caffeine cache so that a TTL
 * and a size cap come for free. Thread-safe.
 *
 * <p>Stored values are deep, immutable copies of what scripts passed, and lookups hand out
 * fresh copies, so no caller can change what another one reads.
 */
final class KvTable {

    private final TableType type;
    private final Cache<String, List<Object>> entries;
    // Writes take the lock so that insert_new's check-then-insert over several keys is atomic,
    // as it is in ETS. Lookups do not. A ReentrantLock, not synchronized: callers are virtual threads.
    private final ReentrantLock writes = new ReentrantLock();

    /**
     * @param ttl how long a key lives after its last insert, or {@code null} for ever
     * @param maxSize how many keys the table holds at most, or {@code null} for no limit
     */
    KvTable(TableType type, Duration ttl, Long maxSize, Ticker ticker) {
        this.type = type;
        // Maintenance (eviction) runs on the writing thread: it is cheap, and keeps the
        // table within its cap when the insert returns.
        Caffeine<Object, Object> builder = Caffeine.newBuilder().executor(Runnable::run).ticker(ticker);
        if (ttl != null) {
            builder.expireAfterWrite(ttl);
        }
        if (maxSize != null) {
            builder.maximumSize(maxSize);
        }
        this.entries = builder.build();
    }

    TableType type() {
        return type;
    }

    /** Stores every pair; {@code null} values are skipped, as a Lua table cannot hold nil. */
    void insert(Map<String, Object> pairs) {
        writes.lock();
        try {
            store(pairs);
        } finally {
            writes.unlock();
        }
    }

    /** Stores every pair if none of the keys is present, atomically; whether it stored them. */
    boolean insertNew(Map<String, Object> pairs) {
        writes.lock();
        try {
            for (String key : pairs.keySet()) {
                if (entries.getIfPresent(key) != null) {
                    return false;
                }
            }
            store(pairs);
            return true;
        } finally {
            writes.unlock();
        }
    }

    /** The values under {@code key}, oldest first, as fresh copies; empty if there are none. */
    List<Object> lookup(String key) {
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

    void delete(String key) {
        writes.lock();
        try {
            entries.invalidate(key);
        } finally {
            writes.unlock();
        }
    }

    void deleteAll() {
        writes.lock();
        try {
            entries.invalidateAll();
        } finally {
            writes.unlock();
        }
    }

    private void store(Map<String, Object> pairs) {
        for (Map.Entry<String, Object> pair : pairs.entrySet()) {
            if (pair.getValue() == null) {
                continue;
            }
            Object value = Values.immutableCopy(pair.getValue());
            List<Object> existing = entries.getIfPresent(pair.getKey());
            entries.put(pair.getKey(), merged(existing, value));
        }
    }

    private List<Object> merged(List<Object> existing, Object value) {
        if (existing == null || type == TableType.SET || type == TableType.ORDERED_SET) {
            return List.of(value);
        }
        if (type == TableType.BAG && existing.stream().anyMatch(v -> sameValue(v, value))) {
            return existing;
        }
        List<Object> values = new ArrayList<>(existing.size() + 1);
        values.addAll(existing);
        values.add(value);
        return Collections.unmodifiableList(values);
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
