package io.polyhook.provider.kv;

import com.github.benmanes.caffeine.cache.Ticker;
import io.polyhook.core.provider.DataProvider;
import io.polyhook.core.provider.ProviderException;
import io.polyhook.core.provider.testing.RecordingLogger;
import io.polyhook.provider.testing.Providers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class KvProviderTest {

    private final DataProvider kv = Providers.start(new KvProviderFactory());

    private Object call(String function, Object... args) {
        return Providers.call(kv, function, args);
    }

    @Test
    void runsTheSequenceOfEtsTestLua() {
        assertThat(call("ensure_table", Map.of("name", "kv_test"))).isEqualTo(true);
        assertThat(call("delete_all", "kv_test")).isEqualTo(true);
        assertThat(call("insert", "kv_test", Map.of("hello", "world"))).isEqualTo(true);
        assertThat(call("insert_new", "kv_test", Map.of("hello", "earth"))).isEqualTo(false);
        assertThat(call("insert", "kv_test", Map.of("hello", "earth"))).isEqualTo(true);
        assertThat(call("lookup", "kv_test", "hello")).isEqualTo(List.of("earth"));
        Map<String, Object> nested = Map.of("b", Map.of("c", Map.of("d", "hello")));
        assertThat(call("insert", "kv_test", Map.of("a", nested))).isEqualTo(true);
        assertThat(call("lookup", "kv_test", "a")).isEqualTo(List.of(nested));
        assertThat(call("delete", "kv_test", "a")).isEqualTo(true);
        assertThat(call("delete", "kv_test", "hello")).isEqualTo(true);
        assertThat(call("lookup", "kv_test", "a")).isEqualTo(List.of());
    }

    @Test
    void ensureTableWithoutOptionsCreatesSimpleKv() {
        assertThat(call("ensure_table")).isEqualTo(true);
        assertThat(call("insert", "simple_kv", Map.of("k", "v"))).isEqualTo(true);
        assertThat(call("lookup", "simple_kv", "k")).isEqualTo(List.of("v"));
    }

    @Test
    void ensureTableWithAnEmptyTableCreatesSimpleKv() {
        assertThat(call("ensure_table", List.of())).isEqualTo(true);
        assertThat(call("lookup", "simple_kv", "k")).isEqualTo(List.of());
    }

    @Test
    void ensureTableAgainKeepsTheFirstOptions() {
        call("ensure_table", Map.of("name", "t", "type", "bag"));
        assertThat(call("ensure_table", Map.of("name", "t", "type", "set"))).isEqualTo(true);
        call("insert", "t", Map.of("k", "a"));
        call("insert", "t", Map.of("k", "b"));
        assertThat(call("lookup", "t", "k")).isEqualTo(List.of("a", "b"));
    }

    static Stream<Arguments> typeSemantics() {
        return Stream.of(
                arguments("set", List.of("b")),
                arguments("ordered_set", List.of("b")),
                arguments("bag", List.of("a", "b")),
                arguments("duplicate_bag", List.of("a", "b", "b")));
    }

    @ParameterizedTest(name = "{0}: inserting a, b, b under one key looks up {1}")
    @MethodSource("typeSemantics")
    void tableTypeDecidesWhichValuesAKeyKeeps(String type, List<Object> expected) {
        call("ensure_table", Map.of("name", "t", "type", type));
        for (String value : List.of("a", "b", "b")) {
            call("insert", "t", Map.of("k", value));
        }
        assertThat(call("lookup", "t", "k")).isEqualTo(expected);
    }

    @Test
    void bagComparesNestedValuesAndBinariesByContent() {
        call("ensure_table", Map.of("name", "t", "type", "bag"));
        call("insert", "t", Map.of("k", Map.of("x", List.of(1L, new byte[] {1, 2}))));
        call("insert", "t", Map.of("k", Map.of("x", List.of(1L, new byte[] {1, 2}))));
        call("insert", "t", Map.of("k", Map.of("x", List.of(1.0, new byte[] {1, 2}))));
        assertThat((List<?>) call("lookup", "t", "k")).hasSize(2);
    }

    @Test
    void insertStoresEveryPairOfTheTable() {
        call("ensure_table", Map.of("name", "t"));
        call("insert", "t", Map.of("a", 1L, "b", true, "c", 2.5));
        assertThat(call("lookup", "t", "a")).isEqualTo(List.of(1L));
        assertThat(call("lookup", "t", "b")).isEqualTo(List.of(true));
        assertThat(call("lookup", "t", "c")).isEqualTo(List.of(2.5));
    }

    @Test
    void insertNewStoresNothingIfAnyKeyExists() {
        call("ensure_table", Map.of("name", "t"));
        call("insert", "t", Map.of("a", "old"));
        assertThat(call("insert_new", "t", Map.of("a", "new", "b", "new"))).isEqualTo(false);
        assertThat(call("lookup", "t", "a")).isEqualTo(List.of("old"));
        assertThat(call("lookup", "t", "b")).isEqualTo(List.of());
    }

    @Test
    void insertNewStoresEveryPairIfNoKeyExists() {
        call("ensure_table", Map.of("name", "t"));
        assertThat(call("insert_new", "t", Map.of("a", "1", "b", "2"))).isEqualTo(true);
        assertThat(call("lookup", "t", "a")).isEqualTo(List.of("1"));
        assertThat(call("lookup", "t", "b")).isEqualTo(List.of("2"));
    }

    @Test
    void insertNewSucceedsForExactlyOneOfManyConcurrentCallers() throws Exception {
        call("ensure_table", Map.of("name", "t"));
        List<Callable<Object>> racers = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            String value = "v" + i;
            racers.add(() -> call("insert_new", "t", Map.of("x", "-", "k", value)));
        }
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            long winners = 0;
            for (Future<Object> result : threads.invokeAll(racers)) {
                winners += Boolean.TRUE.equals(result.get()) ? 1 : 0;
            }
            assertThat(winners).isEqualTo(1);
        }
    }

    @Test
    void lookupOfAnAbsentKeyIsAnEmptyArray() {
        call("ensure_table", Map.of("name", "t"));
        assertThat(call("lookup", "t", "missing")).isEqualTo(List.of());
    }

    @Test
    void changingTheInsertedTableAfterwardsDoesNotChangeTheStoredValue() {
        call("ensure_table", Map.of("name", "t"));
        List<Object> inner = new ArrayList<>(List.of("x"));
        Map<String, Object> value = new HashMap<>(Map.of("list", inner));
        byte[] bytes = {1, 2, 3};
        call("insert", "t", Map.of("k", value, "b", bytes));
        inner.add("y");
        value.put("other", "z");
        bytes[0] = 9;
        assertThat(call("lookup", "t", "k")).isEqualTo(List.of(Map.of("list", List.of("x"))));
        assertThat((byte[]) ((List<?>) call("lookup", "t", "b")).getFirst()).containsExactly(1, 2, 3);
    }

    @Test
    void changingALookupResultDoesNotChangeTheStoredValue() {
        call("ensure_table", Map.of("name", "t"));
        call("insert", "t", Map.of("b", new byte[] {1, 2, 3}));
        ((byte[]) ((List<?>) call("lookup", "t", "b")).getFirst())[0] = 9;
        assertThat((byte[]) ((List<?>) call("lookup", "t", "b")).getFirst()).containsExactly(1, 2, 3);
    }

    @Test
    void deleteRemovesOneKey() {
        call("ensure_table", Map.of("name", "t"));
        call("insert", "t", Map.of("a", "1", "b", "2"));
        assertThat(call("delete", "t", "a")).isEqualTo(true);
        assertThat(call("lookup", "t", "a")).isEqualTo(List.of());
        assertThat(call("lookup", "t", "b")).isEqualTo(List.of("2"));
    }

    @Test
    void deleteOfAnAbsentKeyIsTrue() {
        call("ensure_table", Map.of("name", "t"));
        assertThat(call("delete", "t", "missing")).isEqualTo(true);
    }

    @Test
    void deleteAllEmptiesTheTableButKeepsIt() {
        call("ensure_table", Map.of("name", "t"));
        call("insert", "t", Map.of("a", "1", "b", "2"));
        assertThat(call("delete_all", "t")).isEqualTo(true);
        assertThat(call("lookup", "t", "a")).isEqualTo(List.of());
        assertThat(call("insert", "t", Map.of("a", "3"))).isEqualTo(true);
    }

    @Test
    void aTableOutlivesTheThreadThatCreatedIt() throws Exception {
        Thread creator = Thread.ofVirtual().start(() -> {
            call("ensure_table", Map.of("name", "shared"));
            call("insert", "shared", Map.of("k", "v"));
        });
        creator.join();
        assertThat(call("lookup", "shared", "k")).isEqualTo(List.of("v"));
    }

    @Test
    void keysExpireTtlSecondsAfterTheirLastInsert() {
        AtomicLong nanos = new AtomicLong();
        Ticker ticker = nanos::get;
        DataProvider kv = KvProvider.create(new KvTables(ticker), new RecordingLogger("kv").logger());
        Providers.call(kv, "ensure_table", Map.of("name", "t", "ttl", 10L));
        Providers.call(kv, "insert", "t", Map.of("k", "v"));
        nanos.addAndGet(Duration.ofSeconds(9).toNanos());
        assertThat(Providers.call(kv, "lookup", "t", "k")).isEqualTo(List.of("v"));
        nanos.addAndGet(Duration.ofSeconds(2).toNanos());
        assertThat(Providers.call(kv, "lookup", "t", "k")).isEqualTo(List.of());
    }

    @Test
    void aTableHoldsAtMostMaxSizeKeys() {
        call("ensure_table", Map.of("name", "t", "max_size", 2L));
        for (String key : List.of("a", "b", "c", "d")) {
            call("insert", "t", Map.of(key, key));
        }
        long present = Stream.of("a", "b", "c", "d").filter(k -> !((List<?>) call("lookup", "t", k)).isEmpty()).count();
        assertThat(present).isEqualTo(2);
    }

    @Test
    void unknownEnsureTableOptionsAreIgnoredWithAWarning() {
        RecordingLogger log = new RecordingLogger("kv");
        DataProvider kv = KvProvider.create(new KvTables(Ticker.systemTicker()), log.logger());
        assertThat(Providers.call(kv, "ensure_table", Map.of("name", "t", "tpye", "bag"))).isEqualTo(true);
        assertThat(log.entries()).singleElement().satisfies(e -> {
            assertThat(e.level()).isEqualTo("warn");
            assertThat(e.arguments()).containsExactly(java.util.Set.of("tpye"), "t");
        });
    }

    static Stream<Arguments> badCalls() {
        return Stream.of(
                arguments("insert", List.of("nope", Map.of("a", 1L)),
                        "kv.insert: unknown table 'nope' (create it with kv.ensure_table)"),
                arguments("insert_new", List.of("nope", Map.of("a", 1L)),
                        "kv.insert_new: unknown table 'nope' (create it with kv.ensure_table)"),
                arguments("lookup", List.of("nope", "k"), "kv.lookup: unknown table 'nope' (create it with kv.ensure_table)"),
                arguments("delete", List.of("nope", "k"), "kv.delete: unknown table 'nope' (create it with kv.ensure_table)"),
                arguments("delete_all", List.of("nope"), "kv.delete_all: unknown table 'nope' (create it with kv.ensure_table)"),
                arguments("insert", List.of("t", List.of("x", "y")), "kv.insert: bad argument #2 (table expected, got array)"),
                arguments("insert", List.of("t", Map.of()),
                        "kv.insert: bad argument #2 (table with string keys expected, got empty table)"),
                arguments("insert", List.of("t", List.of()),
                        "kv.insert: bad argument #2 (table with string keys expected, got empty table)"),
                arguments("insert", List.of("t", "x"), "kv.insert: bad argument #2 (table expected, got string)"),
                arguments("insert", List.of("t"), "kv.insert: bad argument #2 (table expected, got no value)"),
                arguments("insert_new", List.of("t", List.of("x")), "kv.insert_new: bad argument #2 (table expected, got array)"),
                arguments("insert", List.of(1L, Map.of("a", 1L)), "kv.insert: bad argument #1 (string expected, got number)"),
                arguments("lookup", List.of("t", 1L), "kv.lookup: bad argument #2 (string expected, got number)"),
                arguments("ensure_table", List.of("kv_test"), "kv.ensure_table: bad argument #1 (table expected, got string)"),
                arguments("ensure_table", List.of(Map.of("type", "tree")),
                        "kv.ensure_table: bad argument #1 (field 'type': unknown table type 'tree', "
                                + "expected one of set, ordered_set, bag, duplicate_bag)"),
                arguments("ensure_table", List.of(Map.of("name", 1L)),
                        "kv.ensure_table: bad argument #1 (field 'name': string expected, got number)"),
                arguments("ensure_table", List.of(Map.of("ttl", "5s")),
                        "kv.ensure_table: bad argument #1 (field 'ttl': number expected, got string)"),
                arguments("ensure_table", List.of(Map.of("ttl", 0L)),
                        "kv.ensure_table: bad argument #1 (field 'ttl': must be a number of seconds greater than 0, got 0.0)"),
                arguments("ensure_table", List.of(Map.of("max_size", 0L)),
                        "kv.ensure_table: bad argument #1 (field 'max_size': must be at least 1, got 0)"),
                arguments("ensure_table", List.of(Map.of("max_size", 1.5)),
                        "kv.ensure_table: bad argument #1 (field 'max_size': integer expected, got 1.5)"));
    }

    @ParameterizedTest(name = "kv.{0}{1} fails: {2}")
    @MethodSource("badCalls")
    void badCallsRaiseAnErrorNamingTheFunctionAndArgument(String function, List<Object> args, String message) {
        call("ensure_table", Map.of("name", "t"));
        assertThatThrownBy(() -> call(function, args.toArray()))
                .isInstanceOf(ProviderException.class)
                .hasMessage(message);
    }
}
