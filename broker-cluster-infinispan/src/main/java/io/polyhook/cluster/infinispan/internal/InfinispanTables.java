package io.polyhook.cluster.infinispan.internal;

import io.polyhook.broker.cluster.ClusterException;
import io.polyhook.broker.cluster.ClusterTables;
import io.polyhook.broker.cluster.SharedTable;
import org.infinispan.Cache;
import org.infinispan.commons.CacheException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Cluster-wide kv tables on one distributed cache (two copies of each entry), key
 * {@code (table, key)}. Single-key operations are Infinispan's own atomic ones; an update is a
 * compare-and-set loop over them.
 */
public final class InfinispanTables implements ClusterTables {

    private static final int MAX_ATTEMPTS = 64;

    private final Cache<String, String> cache;
    private final ExecutorService workers;
    private final Map<String, SharedTable> tables = new ConcurrentHashMap<>();

    /** Tables on {@code cache}; calls run on {@code workers}. */
    public InfinispanTables(Cache<String, String> cache, ExecutorService workers) {
        this.cache = cache;
        this.workers = workers;
    }

    @Override
    public SharedTable table(String name) {
        return tables.computeIfAbsent(name, Table::new);
    }

    private <T> CompletionStage<T> async(Supplier<T> work) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return work.get();
            } catch (CacheException e) {
                throw new ClusterException(ClusterException.Reason.UNAVAILABLE,
                        "the kv table is not available: " + e.getClass().getSimpleName());
            }
        }, workers);
    }

    private final class Table implements SharedTable {

        private final String name;

        Table(String name) {
            this.name = name;
        }

        private String key(String key) {
            return Keys.of(name, key);
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public CompletionStage<Optional<String>> get(String key) {
            return async(() -> Optional.ofNullable(cache.get(key(key))));
        }

        @Override
        public CompletionStage<Void> put(String key, String value) {
            return async(() -> {
                cache.put(key(key), value);
                return null;
            });
        }

        @Override
        public CompletionStage<Boolean> putIfAbsent(String key, String value) {
            return async(() -> cache.putIfAbsent(key(key), value) == null);
        }

        @Override
        public CompletionStage<Boolean> replace(String key, String expected, String value) {
            return async(() -> cache.replace(key(key), expected, value));
        }

        @Override
        public CompletionStage<Optional<String>> update(String key, UnaryOperator<Optional<String>> update) {
            return async(() -> {
                String k = key(key);
                for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
                    String current = cache.get(k);
                    Optional<String> next = update.apply(Optional.ofNullable(current));
                    boolean done;
                    if (current == null) {
                        done = next.isEmpty() || cache.putIfAbsent(k, next.get()) == null;
                    } else {
                        done = next.isEmpty() ? cache.remove(k, current) : cache.replace(k, current, next.get());
                    }
                    if (done) {
                        return next;
                    }
                }
                throw new ClusterException(ClusterException.Reason.REFUSED,
                        "update of " + name + " lost " + MAX_ATTEMPTS + " races in a row");
            });
        }

        @Override
        public CompletionStage<Boolean> remove(String key) {
            return async(() -> cache.remove(key(key)) != null);
        }

        @Override
        public CompletionStage<Void> clear() {
            return async(() -> {
                List<String> mine = new ArrayList<>();
                for (String k : cache.keySet()) {
                    if (Keys.first(k).equals(name)) {
                        mine.add(k);
                    }
                }
                mine.forEach(cache::remove);
                return null;
            });
        }
    }
}
