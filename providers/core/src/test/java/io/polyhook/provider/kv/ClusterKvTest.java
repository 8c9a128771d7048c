package io.polyhook.provider.kv;

import com.github.benmanes.caffeine.cache.Ticker;
import io.polyhook.core.provider.DataProvider;
import io.polyhook.core.provider.testing.RecordingLogger;
import io.polyhook.provider.testing.Providers;
import org.junit.jupiter.api.Test;

import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Tables created with {@code cluster = true}: two providers ("nodes") over the same shared tables. */
class ClusterKvTest {

    private final MapTables shared = new MapTables();
    private final DataProvider node1 = node();
    private final DataProvider node2 = node();

    private DataProvider node() {
        return KvProvider.create(new KvTables(Ticker.systemTicker(), InstantSource.system(), Optional.empty(),
                Optional.of(shared), new RecordingLogger("kv").logger()), new RecordingLogger("kv").logger());
    }

    @Test
    void aWriteOnOneNodeIsSeenOnTheOther() {
        Providers.call(node1, "ensure_table", Map.of("name", "t", "cluster", true));
        Providers.call(node2, "ensure_table", Map.of("name", "t", "cluster", true));
        Providers.call(node1, "insert", "t", Map.of("k", Map.of("n", 1L, "b", new byte[] {1})));
        assertThat((List<?>) Providers.call(node2, "lookup", "t", "k")).singleElement()
                .satisfies(v -> assertThat(((Map<?, ?>) v).get("n")).isEqualTo(1L));
        Providers.call(node2, "delete", "t", "k");
        assertThat(Providers.call(node1, "lookup", "t", "k")).isEqualTo(List.of());
    }

    @Test
    void aBagKeepsDistinctValuesAcrossNodes() {
        Providers.call(node1, "ensure_table", Map.of("name", "b", "cluster", true, "type", "bag"));
        Providers.call(node2, "ensure_table", Map.of("name", "b", "cluster", true, "type", "bag"));
        Providers.call(node1, "insert", "b", Map.of("k", "x"));
        Providers.call(node2, "insert", "b", Map.of("k", "y"));
        Providers.call(node2, "insert", "b", Map.of("k", "x"));
        assertThat(Providers.call(node1, "lookup", "b", "k")).isEqualTo(List.of("x", "y"));
    }

    @Test
    void insertNewRefusedOnAnyKeyLeavesTheOthersUnset() {
        Providers.call(node1, "ensure_table", Map.of("name", "t", "cluster", true));
        Providers.call(node2, "ensure_table", Map.of("name", "t", "cluster", true));
        Providers.call(node1, "insert", "t", Map.of("taken", "1"));
        Map<String, Object> pairs = new java.util.LinkedHashMap<>();
        pairs.put("fresh", "2");
        pairs.put("taken", "3");
        assertThat(Providers.call(node2, "insert_new", "t", pairs)).isEqualTo(false);
        assertThat(Providers.call(node1, "lookup", "t", "fresh")).isEqualTo(List.of());
        assertThat(Providers.call(node1, "lookup", "t", "taken")).isEqualTo(List.of("1"));
    }

    @Test
    void deleteAllClearsTheTableOnEveryNode() {
        Providers.call(node1, "ensure_table", Map.of("name", "t", "cluster", true));
        Providers.call(node2, "ensure_table", Map.of("name", "t", "cluster", true));
        Providers.call(node1, "insert", "t", Map.of("a", "1"));
        Providers.call(node2, "delete_all", "t");
        assertThat(Providers.call(node1, "lookup", "t", "a")).isEqualTo(List.of());
    }

    @Test
    void clusterWithoutAClusterNamesTheSetting() {
        DataProvider alone = Providers.start(new KvProviderFactory());
        assertThatThrownBy(() -> Providers.call(alone, "ensure_table", Map.of("name", "t", "cluster", true)))
                .hasMessageContaining("field 'cluster'")
                .hasMessageContaining("cluster.enabled");
    }

    @Test
    void clusterCannotBeCombinedWithTtl() {
        assertThatThrownBy(() -> Providers.call(node1, "ensure_table", Map.of("name", "t", "cluster", true, "ttl", 5L)))
                .hasMessageContaining("field 'cluster': cannot be combined with persist, ttl or max_size");
    }

    /** Shared tables in one map, atomic per key as the cluster's are. */
    static final class MapTables implements SharedKvTables {
        private final Map<String, String> entries = new ConcurrentHashMap<>();

        private static String k(String table, String key) {
            return table + "\u0000" + key;
        }

        @Override
        public CompletionStage<Optional<String>> get(String table, String key) {
            return CompletableFuture.completedFuture(Optional.ofNullable(entries.get(k(table, key))));
        }

        @Override
        public CompletionStage<Optional<String>> update(String table, String key, UnaryOperator<Optional<String>> update) {
            return CompletableFuture.completedFuture(Optional.ofNullable(
                    entries.compute(k(table, key), (x, old) -> update.apply(Optional.ofNullable(old)).orElse(null))));
        }

        @Override
        public CompletionStage<Boolean> putIfAbsent(String table, String key, String value) {
            return CompletableFuture.completedFuture(entries.putIfAbsent(k(table, key), value) == null);
        }

        @Override
        public CompletionStage<Boolean> remove(String table, String key) {
            return CompletableFuture.completedFuture(entries.remove(k(table, key)) != null);
        }

        @Override
        public CompletionStage<Void> clear(String table) {
            entries.keySet().removeIf(k -> k.startsWith(table + "\u0000"));
            return CompletableFuture.completedFuture(null);
        }
    }
}
