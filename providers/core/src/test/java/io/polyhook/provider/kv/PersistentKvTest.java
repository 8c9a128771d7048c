package io.polyhook.provider.kv;

import com.github.benmanes.caffeine.cache.Ticker;
import io.polyhook.core.provider.DataProvider;
import io.polyhook.core.provider.ProviderException;
import io.polyhook.core.provider.testing.RecordingLogger;
import io.polyhook.provider.testing.Providers;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Tables created with {@code persist = true}: a "restart" is a new provider over the same storage. */
class PersistentKvTest {

    private final MapStorage storage = new MapStorage();
    private final AtomicLong nanos = new AtomicLong();
    private final AtomicLong millis = new AtomicLong(1_000_000);
    private DataProvider kv = start();

    private DataProvider start() {
        Ticker ticker = nanos::get;
        InstantSource clock = () -> Instant.ofEpochMilli(millis.get());
        return KvProvider.create(new KvTables(ticker, clock, Optional.of(storage), Optional.empty(), new RecordingLogger("kv").logger()),
                new RecordingLogger("kv").logger());
    }

    private void restart() {
        kv.close();
        kv = start();
    }

    private Object call(String function, Object... args) {
        return Providers.call(kv, function, args);
    }

    private void elapse(Duration d) {
        nanos.addAndGet(d.toNanos());
        millis.addAndGet(d.toMillis());
    }

    @Test
    void entriesAreBackAfterARestartWithTheirTypes() {
        call("ensure_table", Map.of("name", "t", "persist", true, "type", "duplicate_bag"));
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("n", 1L);
        nested.put("f", 1.0);
        nested.put("list", List.of("x", true, false));
        call("insert", "t", Map.of("a", nested));
        call("insert", "t", Map.of("a", "text"));
        call("insert", "t", Map.of("b", new byte[] {0, (byte) 0xff}));

        restart();
        call("ensure_table", Map.of("name", "t", "persist", true, "type", "duplicate_bag"));

        assertThat(call("lookup", "t", "a")).isEqualTo(List.of(nested, "text"));
        assertThat((List<?>) call("lookup", "t", "b")).singleElement()
                .isEqualTo(new byte[] {0, (byte) 0xff});
    }

    @Test
    void aTableWithoutPersistIsNotStored() {
        call("ensure_table", Map.of("name", "t"));
        call("insert", "t", Map.of("a", "v"));
        assertThat(storage.tables).isEmpty();
    }

    @Test
    void deleteAndDeleteAllReachTheStore() {
        call("ensure_table", Map.of("name", "t", "persist", true));
        call("insert", "t", Map.of("a", "1", "b", "2", "c", "3"));
        call("delete", "t", "a");
        assertThat(storage.keys("t")).containsExactly("b", "c");
        call("delete_all", "t");
        assertThat(storage.keys("t")).isEmpty();

        restart();
        call("ensure_table", Map.of("name", "t", "persist", true));
        assertThat(call("lookup", "t", "b")).isEqualTo(List.of());
    }

    @Test
    void anEntryWhoseTtlRanOutWhileDownIsDroppedAtLoad() {
        call("ensure_table", Map.of("name", "t", "persist", true, "ttl", 10L));
        call("insert", "t", Map.of("a", "v"));
        elapse(Duration.ofSeconds(11));

        restart();
        call("ensure_table", Map.of("name", "t", "persist", true, "ttl", 10L));

        assertThat(call("lookup", "t", "a")).isEqualTo(List.of());
        assertThat(storage.keys("t")).isEmpty();
    }

    @Test
    void anEntryKeepsOnlyTheRestOfItsTtlAfterARestart() {
        call("ensure_table", Map.of("name", "t", "persist", true, "ttl", 10L));
        call("insert", "t", Map.of("a", "v"));
        elapse(Duration.ofSeconds(4));

        restart();
        call("ensure_table", Map.of("name", "t", "persist", true, "ttl", 10L));
        assertThat(call("lookup", "t", "a")).isEqualTo(List.of("v"));
        elapse(Duration.ofSeconds(7));
        assertThat(call("lookup", "t", "a")).isEqualTo(List.of());
    }

    @Test
    void loadingKeepsAtMostMaxSizeKeysAndForgetsTheRestInTheStore() {
        call("ensure_table", Map.of("name", "t", "persist", true));
        call("insert", "t", Map.of("a", "1", "b", "2", "c", "3", "d", "4"));

        restart();
        call("ensure_table", Map.of("name", "t", "persist", true, "max_size", 2L));

        long present = List.of("a", "b", "c", "d").stream()
                .filter(k -> !((List<?>) call("lookup", "t", k)).isEmpty()).count();
        assertThat(present).isEqualTo(2);
        assertThat(storage.keys("t")).hasSize(2);
    }

    @Test
    void keysEvictedByTheSizeCapLeaveTheStoreToo() {
        call("ensure_table", Map.of("name", "t", "persist", true, "max_size", 2L));
        for (String key : List.of("a", "b", "c", "d", "e")) {
            call("insert", "t", Map.of(key, key));
        }
        assertThat(storage.keys("t")).hasSizeLessThanOrEqualTo(3); // the last eviction goes with the next write
        call("insert", "t", Map.of("e", "again"));
        assertThat(storage.keys("t")).hasSize(2);
    }

    @Test
    void aFailedStoreWriteChangesNothingAndSaysWhy() {
        call("ensure_table", Map.of("name", "t", "persist", true));
        call("insert", "t", Map.of("a", "old"));
        storage.failure = "disk full in /var/lib/polyhook";
        assertThatThrownBy(() -> call("insert", "t", Map.of("a", "new")))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("kv table 't' cannot be stored: disk full in /var/lib/polyhook");
        assertThat(call("lookup", "t", "a")).isEqualTo(List.of("old"));
    }

    @Test
    void anEntryThatCannotBeReadIsSkipped() {
        storage.tables.computeIfAbsent("t", t -> new TreeMap<>()).put("bad", new byte[] {9, 9});
        call("ensure_table", Map.of("name", "t", "persist", true));
        assertThat(call("lookup", "t", "bad")).isEqualTo(List.of());
    }

    @Test
    void persistWithoutStorageNamesTheSetting() {
        DataProvider memoryOnly = Providers.start(new KvProviderFactory());
        assertThatThrownBy(() -> Providers.call(memoryOnly, "ensure_table", Map.of("name", "t", "persist", true)))
                .hasMessageContaining("field 'persist'")
                .hasMessageContaining("persistence.enabled");
    }

    @Test
    void persistMustBeABoolean() {
        assertThatThrownBy(() -> call("ensure_table", Map.of("name", "t", "persist", "yes")))
                .hasMessageContaining("field 'persist': boolean expected, got string");
    }

    /** A storage in maps; writes are durable at once, or all fail while {@link #failure} is set. */
    static final class MapStorage implements KvStorage {
        final Map<String, TreeMap<String, byte[]>> tables = new ConcurrentHashMap<>();
        volatile String failure;

        List<String> keys(String table) {
            return List.copyOf(tables.getOrDefault(table, new TreeMap<>()).keySet());
        }

        @Override
        public void forEach(String table, BiConsumer<String, byte[]> each) {
            tables.getOrDefault(table, new TreeMap<>()).forEach(each);
        }

        @Override
        public CompletionStage<Void> write(String table, Map<String, byte[]> puts, Collection<String> removals) {
            if (failure != null) {
                throw new IllegalStateException(failure);
            }
            TreeMap<String, byte[]> entries = tables.computeIfAbsent(table, t -> new TreeMap<>());
            entries.putAll(puts);
            removals.forEach(entries::remove);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Void> drop(String table) {
            tables.remove(table);
            return CompletableFuture.completedFuture(null);
        }
    }
}
