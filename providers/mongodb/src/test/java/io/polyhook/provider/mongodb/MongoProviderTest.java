package io.polyhook.provider.mongodb;

import io.polyhook.core.provider.Arguments;
import io.polyhook.core.provider.DataProvider;
import io.polyhook.core.provider.ProviderException;
import io.polyhook.core.provider.testing.RecordingLogger;
import io.polyhook.core.provider.testing.TestProviderContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

@ExtendWith(EmbeddedMongo.class)
class MongoProviderTest {

    private final RecordingLogger log = new RecordingLogger("io.polyhook.provider.mongodb");
    private TestProviderContext context = TestProviderContext.of("mongodb", Map.of(), log.logger());
    private DataProvider mongodb = new MongoProviderFactory().create(context);

    @BeforeEach
    void poolOnTheTestServer() {
        EmbeddedMongo.Endpoint server = EmbeddedMongo.endpoint();
        call("ensure_pool", options("pool_id", "test", "host", server.host(), "port", (long) server.port(),
                "login", server.login(), "password", server.password(), "auth_source", server.authSource(),
                "database", "polyhook_test", "size", 1L, "w_mode", "safe"));
        assertThat(call("delete", "test", "people", Map.of())).isEqualTo(true);
    }

    @AfterEach
    void close() {
        mongodb.close();
        context.pools().close();
    }

    private Object call(String function, Object... args) {
        return mongodb.functions().get(function).call(Arguments.of("mongodb." + function, Arrays.asList(args)));
    }

    private static Map<String, Object> options(Object... keyValues) {
        Map<String, Object> options = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            options.put((String) keyValues[i], keyValues[i + 1]);
        }
        return options;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> doc(Object value) {
        assertThat(value).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    private static Map<String, Object> person(String first, String last) {
        return options("first_name", first, "last_name", last, "protocol", "MQTT");
    }

    // --- ensure_pool -----------------------------------------------------------------------

    @Test
    void ensurePoolWithoutOptionsRegistersPoolMongodbWithBuiltInSettings() {
        assertThat(call("ensure_pool")).isEqualTo(true);
        assertThat(context.pools().get("pool_mongodb", MongoPool.class).settings()).isEqualTo(PoolSettings.BUILT_IN);
    }

    @Test
    void theSizeIsTheDriversMaximumPoolSize() {
        call("ensure_pool", options("pool_id", "sized", "size", 7L, "max_overflow", 3L));
        MongoPool pool = context.pools().get("sized", MongoPool.class);
        assertThat(pool.settings().size()).isEqualTo(7);
        assertThat(pool.clientSettings().getConnectionPoolSettings().getMaxSize()).isEqualTo(7);
    }

    @Test
    void ensurePoolAgainKeepsTheFirstPool() {
        MongoPool first = context.pools().get("test", MongoPool.class);
        assertThat(call("ensure_pool", options("pool_id", "test", "size", 9L))).isEqualTo(true);
        assertThat(context.pools().get("test", MongoPool.class)).isSameAs(first);
        assertThat(first.settings().size()).isEqualTo(1);
    }

    @Test
    void poolsTakeTheirDefaultsIncludingTheReadPreferenceFromTheConfig() {
        context = TestProviderContext.of("mongodb", Map.of("providers", Map.of("mongodb",
                Map.of("host", "mongo.example", "pool_size", 3L, "read_preference", "secondaryPreferred",
                        "w_mode", "unsafe"))), log.logger());
        mongodb = new MongoProviderFactory().create(context);
        call("ensure_pool", options("pool_id", "configured"));
        MongoPool pool = context.pools().get("configured", MongoPool.class);
        assertThat(pool.settings().host()).isEqualTo("mongo.example");
        assertThat(pool.settings().size()).isEqualTo(3);
        assertThat(pool.clientSettings().getReadPreference().getName()).isEqualTo("secondaryPreferred");
        assertThat(pool.clientSettings().getWriteConcern().isAcknowledged()).isFalse();
    }

    @Test
    void aBadConfigValueStopsTheStartNamingTheKey() {
        TestProviderContext bad = TestProviderContext.of("mongodb", Map.of("providers", Map.of("mongodb",
                Map.of("read_preference", "fastest"))), log.logger());
        assertThatThrownBy(() -> new MongoProviderFactory().create(bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("providers.mongodb.read_preference: one of [")
                .hasMessageEndingWith("] expected, got 'fastest'");
    }

    @Test
    void aMalformedEnsurePoolFieldIsAnErrorNamingIt() {
        assertThatThrownBy(() -> call("ensure_pool", options("pool_id", "x", "w_mode", "maybe")))
                .hasMessage("mongodb.ensure_pool: bad argument #1 (field 'w_mode': one of [safe, unsafe] expected, got 'maybe')");
    }

    @Test
    void settingsNeverShowThePassword() {
        PoolSettings settings = PoolSettings.BUILT_IN.with(Map.of("login", "vmq", "password", "s3cret"),
                (field, problem) -> new IllegalArgumentException(field + ": " + problem));
        assertThat(settings.toString()).doesNotContain("s3cret").contains("password=***");
    }

    // --- mongodb_test.lua ------------------------------------------------------------------

    @Test
    void insertWithAnIdReturnsTheDocumentWithThatId() {
        Map<String, Object> inserted = doc(call("insert", "test", "people",
                options("_id", "test-id", "first_name", "Jules", "last_name", "Verne")));
        assertThat(inserted).containsEntry("_id", "test-id").containsEntry("first_name", "Jules");
    }

    @Test
    void insertingAnArrayReturnsEveryDocumentAndGeneratesMissingIds() {
        Object result = call("insert", "test", "people", List.of(
                options("_id", "first", "first_name", "Jules", "last_name", "Verne", "protocol", "MQTT"),
                person("John", "Doe")));
        assertThat(result).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST).hasSize(2);
        Map<String, Object> second = doc(((List<?>) result).get(1));
        assertThat((String) second.get("_id")).matches("objectid:[0-9a-f]{24}");
        Map<String, Object> found = doc(call("find_one", "test", "people", Map.of("_id", second.get("_id"))));
        assertThat(found).containsEntry("first_name", "John").containsEntry("last_name", "Doe")
                .containsEntry("_id", second.get("_id"));
    }

    @Test
    void updateSetsFieldsAndFindReadsThemBack() {
        call("insert", "test", "people", List.of(person("Jules", "Verne"), person("John", "Doe")));
        String cursor = (String) call("find", "test", "people", Map.of());
        assertThat(call("take", cursor, 5L)).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST).hasSize(2);
        assertThat(call("close", cursor)).isEqualTo(true);
        assertThat(call("update", "test", "people", Map.of("first_name", "Jules"), Map.of("broker", "VerneMQ")))
                .isEqualTo(true);
        assertThat(doc(call("find_one", "test", "people", Map.of("first_name", "Jules"))))
                .containsEntry("broker", "VerneMQ").containsEntry("last_name", "Verne");
        assertThat(call("update", "test", "people", Map.of("protocol", "MQTT"), Map.of("broker", "VerneMQ")))
                .isEqualTo(true);
        String all = (String) call("find", "test", "people", Map.of());
        assertThat((List<?>) call("take", all, 5L)).hasSize(2);
    }

    @Test
    void nextGivesEachMatchThenFalse() {
        call("insert", "test", "people", List.of(person("Jules", "Verne"), person("John", "Doe")));
        String cursor = (String) call("find", "test", "people", Map.of("first_name", "Jules"));
        assertThat(doc(call("next", cursor))).containsEntry("first_name", "Jules").containsEntry("last_name", "Verne");
        assertThat(call("next", cursor)).isEqualTo(false);
        assertThat(call("next", cursor)).isEqualTo(false);
        assertThat(call("close", cursor)).isEqualTo(true);
    }

    @Test
    void aProjectorHidesFields() {
        call("insert", "test", "people", person("Jules", "Verne"));
        String cursor = (String) call("find", "test", "people", Map.of("last_name", "Verne"),
                Map.of("projector", Map.of("first_name", false)));
        Map<String, Object> document = doc(call("next", cursor));
        assertThat(document).doesNotContainKey("first_name").containsEntry("last_name", "Verne");
        assertThat(doc(call("find_one", "test", "people", Map.of("first_name", "Jules"),
                Map.of("projector", Map.of("first_name", false))))).doesNotContainKey("first_name");
    }

    @Test
    void findOneWithoutAMatchIsFalse() {
        assertThat(call("find_one", "test", "people", Map.of("first_name", "Nobody"))).isEqualTo(false);
    }

    @Test
    void deleteWithASelectorDeletesOnlyMatches() {
        call("insert", "test", "people", List.of(person("Jules", "Verne"), person("John", "Doe")));
        assertThat(call("delete", "test", "people", Map.of("first_name", "John"))).isEqualTo(true);
        assertThat((List<?>) call("take", call("find", "test", "people", Map.of()), 10L)).hasSize(1);
    }

    // --- values ----------------------------------------------------------------------------

    @Test
    void valuesMapToTheModelAndObjectIdsRoundTrip() {
        org.bson.types.ObjectId id = new org.bson.types.ObjectId();
        Date when = new Date(1_700_000_000_123L);
        context.pools().get("test", MongoPool.class).collection("people").insertOne(new org.bson.Document("_id", id)
                .append("n", 42).append("when", when).append("nested", new org.bson.Document("list", List.of(1, "two")))
                .append("bytes", new byte[] {1, 2, 3}).append("ref", id));
        Map<String, Object> document = doc(call("find_one", "test", "people", Map.of("ref", "objectid:" + id.toHexString())));
        assertThat(document).containsEntry("_id", "objectid:" + id.toHexString()).containsEntry("n", 42L)
                .containsEntry("when", 1_700_000_000_123L)
                .containsEntry("nested", Map.of("list", List.of(1L, "two")));
        assertThat((byte[]) document.get("bytes")).containsExactly(1, 2, 3);
    }

    @Test
    void bsonTimestampsBecomeUnixMilliseconds() {
        assertThat(BsonValues.toModel(new org.bson.BsonTimestamp(1_700_000_000, 1))).isEqualTo(1_700_000_000_000L);
    }

    // --- errors and cursors ----------------------------------------------------------------

    @Test
    void updateNeedsANonEmptySelectorAndFields() {
        assertThatThrownBy(() -> call("update", "test", "people", Map.of(), Map.of("a", 1L)))
                .hasMessage("mongodb.update: bad argument #3 (non-empty table expected)");
        assertThatThrownBy(() -> call("update", "test", "people", Map.of("a", 1L), Map.of()))
                .hasMessage("mongodb.update: bad argument #4 (non-empty table expected)");
    }

    @Test
    void aFailedWriteRaisesAnError() {
        call("insert", "test", "people", options("_id", "dup"));
        assertThatThrownBy(() -> call("insert", "test", "people", options("_id", "dup")))
                .isInstanceOf(ProviderException.class)
                .hasMessageStartingWith("mongodb.insert: pool test: write failed: duplicate key");
    }

    @Test
    void aDocumentTheDriverRejectsIsAnError() {
        assertThatThrownBy(() -> call("insert", "test", "people", Map.of("nul\u0000name", "x")))
                .isInstanceOf(ProviderException.class)
                .hasMessage("mongodb.insert: pool test: invalid document or selector");
    }

    @Test
    void anUnknownPoolIsAnError() {
        assertThatThrownBy(() -> call("find_one", "nope", "people", Map.of()))
                .hasMessage("mongodb.find_one: unknown pool: nope");
    }

    @Test
    void aClosedCursorIsUnknown() {
        String cursor = (String) call("find", "test", "people", Map.of());
        assertThat(call("close", cursor)).isEqualTo(true);
        assertThat(call("close", cursor)).isEqualTo(true);
        assertThatThrownBy(() -> call("next", cursor)).hasMessage("mongodb.next: unknown or expired cursor");
    }

    @Test
    void leakedCursorsAreClosedAfterTheIdleTimeout() throws Exception {
        useCursorConfig(Map.of("cursor_idle_timeout", "200ms"));
        String cursor = (String) call("find", "test", "people", Map.of());
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String error = null;
        while (error == null && System.nanoTime() < deadline) {
            // Each look refreshes the cursor, so look less often than it expires.
            Thread.sleep(400);
            try {
                call("next", cursor);
            } catch (ProviderException e) {
                error = e.getMessage();
            }
        }
        assertThat(error).isEqualTo("mongodb.next: unknown or expired cursor");
    }

    @Test
    void theRegistryKeepsNoMoreThanTheMaximumNumberOfCursors() {
        call("insert", "test", "people", person("Jules", "Verne"));
        MongoPool pool = context.pools().get("test", MongoPool.class);
        try (Cursors cursors = new Cursors(Duration.ofMinutes(1), 2)) {
            List<String> ids = new java.util.ArrayList<>();
            for (int i = 0; i < 10; i++) {
                ids.add(cursors.open(pool.collection("people").find().cursor()));
            }
            assertThat(cursors.size()).isLessThanOrEqualTo(2);
            long readable = ids.stream().filter(id -> {
                try {
                    cursors.next(id);
                    return true;
                } catch (Cursors.UnknownCursorException e) {
                    return false;
                }
            }).count();
            assertThat(readable).isLessThanOrEqualTo(2);
        }
    }

    private void useCursorConfig(Map<String, Object> config) {
        mongodb.close();
        context.pools().close();
        context = TestProviderContext.of("mongodb", Map.of("providers", Map.of("mongodb", config)), log.logger());
        mongodb = new MongoProviderFactory().create(context);
        poolOnTheTestServer();
    }

    @Test
    void aPoolWithNothingListeningFailsFast() throws Exception {
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        long started = System.nanoTime();
        assertThat(call("ensure_pool", options("pool_id", "down", "host", "127.0.0.1", "port", (long) port)))
                .isEqualTo(true);
        assertThatThrownBy(() -> call("find_one", "down", "people", Map.of()))
                .isInstanceOf(ProviderException.class)
                .hasMessage("mongodb.find_one: pool down: no server available at 127.0.0.1:" + port + " within 1500 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void aDownServerFailsFastAndThePoolRecoversWhenItIsBack() throws Exception {
        assumeThat(EmbeddedMongo.isExternal()).as("needs an embedded server to stop").isFalse();
        try (MongoTestServer own = MongoTestServer.start()) {
            call("ensure_pool", options("pool_id", "own", "host", own.host(), "port", (long) own.port()));
            call("insert", "own", "people", person("Jules", "Verne"));
            own.stop();
            long started = System.nanoTime();
            assertThatThrownBy(() -> call("find_one", "own", "people", Map.of())).isInstanceOf(ProviderException.class)
                    .hasMessageStartingWith("mongodb.find_one: pool own: ");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
            own.restart();
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            Object inserted = null;
            while (inserted == null) {
                try {
                    inserted = call("insert", "own", "people", person("John", "Doe"));
                } catch (ProviderException e) {
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                    Thread.sleep(100);
                }
            }
            assertThat(doc(call("find_one", "own", "people", Map.of()))).containsEntry("first_name", "John");
        }
    }

    @Test
    void aFailedLoginDoesNotShowThePassword() {
        assumeThat(EmbeddedMongo.isExternal()).as("the emulator refuses every login").isFalse();
        EmbeddedMongo.Endpoint server = EmbeddedMongo.endpoint();
        call("ensure_pool", options("pool_id", "login", "host", server.host(), "port", (long) server.port(),
                "login", "vmq", "password", "not-the-Pa55word"));
        assertThatThrownBy(() -> call("find_one", "login", "people", Map.of()))
                .isInstanceOf(ProviderException.class)
                .hasMessage("mongodb.find_one: pool login: authentication failed at 127.0.0.1:" + server.port())
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("not-the-Pa55word"));
    }
}
