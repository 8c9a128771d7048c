package io.polyhook.provider.sql;

import io.polyhook.core.provider.ProviderException;
import io.polyhook.core.provider.testing.TestProviderContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

class PostgresProviderTest {

    @RegisterExtension
    static final EmbeddedPostgresExtension PG = new EmbeddedPostgresExtension();

    private static final String POOL = "postgres_test";

    private ProviderUnderTest postgres = new ProviderUnderTest(new PostgresProviderFactory());

    @AfterEach
    void closePools() {
        postgres.close();
    }

    private void ensurePool() {
        assertThat(postgres.call("ensure_pool", PG.account().poolOptions(POOL))).isEqualTo(true);
    }

    private Map<String, Object> options(Object... keysAndValues) {
        Map<String, Object> options = new LinkedHashMap<>(PG.account().poolOptions(POOL));
        for (int i = 0; i < keysAndValues.length; i += 2) {
            options.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return options;
    }

    /** vmq_diversity's postgres_test.lua, step by step. */
    @Test
    void thePostgresTestScriptFlowWorks() {
        assertThat(postgres.call("ensure_pool", options("size", 5L))).isEqualTo(true);
        assertThat(postgres.execute(POOL, "DROP TABLE IF EXISTS vmq_test_acl")).isEqualTo(List.of());
        assertThat(postgres.execute(POOL, """
                CREATE TABLE vmq_test_acl (client_id varchar(128), mountpoint varchar(10),
                                           user_name varchar(128), password varchar(128))""")).isEqualTo(List.of());
        for (int i = 1; i <= 4; i++) {
            assertThat(postgres.execute(POOL, "INSERT INTO vmq_test_acl VALUES ('client_id_" + i + "', '', 'user_name_" + i
                    + "', 'password_" + i + "')")).isEqualTo(true);
        }
        List<Map<String, Object>> all = postgres.rows(POOL, "SELECT * FROM vmq_test_acl");
        assertThat(all).hasSize(4);
        assertThat(all.getFirst()).containsExactly(Map.entry("client_id", "client_id_1"), Map.entry("mountpoint", ""),
                Map.entry("user_name", "user_name_1"), Map.entry("password", "password_1"));
        List<Map<String, Object>> one = postgres.rows(POOL,
                "SELECT * FROM vmq_test_acl WHERE client_id = $1 AND user_name = $2 AND password = $3",
                "client_id_2", "user_name_2", "password_2");
        assertThat(one).singleElement().satisfies(row -> assertThat(row.get("client_id")).isEqualTo("client_id_2"));
    }

    @Test
    void updatesAndDeletesSayWhetherTheyChangedARow() {
        ensurePool();
        postgres.execute(POOL, "CREATE TABLE IF NOT EXISTS counted (id int PRIMARY KEY, n int)");
        postgres.execute(POOL, "DELETE FROM counted");
        assertThat(postgres.execute(POOL, "INSERT INTO counted VALUES ($1, 0)", 1L)).isEqualTo(true);
        assertThat(postgres.execute(POOL, "UPDATE counted SET n = n + 1 WHERE id = $1", 1L)).isEqualTo(true);
        assertThat(postgres.execute(POOL, "UPDATE counted SET n = n + 1 WHERE id = $1", 2L)).isEqualTo(false);
        assertThat(postgres.execute(POOL, "INSERT INTO counted VALUES (2, 0) RETURNING id")).isEqualTo(true);
        assertThat(postgres.execute(POOL, "INSERT INTO counted SELECT 3, 0 WHERE false RETURNING id")).isEqualTo(false);
        assertThat(postgres.execute(POOL, "DELETE FROM counted WHERE id = $1", 99L)).isEqualTo(false);
        assertThat(postgres.execute(POOL, "DELETE FROM counted")).isEqualTo(true);
    }

    @Test
    void aSelectWithoutRowsGivesAnEmptyArray() {
        ensurePool();
        assertThat(postgres.execute(POOL, "SELECT 1 WHERE false")).isEqualTo(List.of());
    }

    @Test
    void columnValuesBecomeModelValues() {
        ensurePool();
        Map<String, Object> row = postgres.rows(POOL, """
                SELECT 1::int AS i, 2::bigint AS big, 3::smallint AS small, 1.5::float8 AS f, 2.5::real AS r,
                       2.50::numeric(5,2) AS dec, 7::numeric AS whole, true AS yes, 'txt'::text AS t,
                       'v'::varchar AS v, '\\x0102'::bytea AS bin, '{"a":1}'::json AS j, '{"b": 2}'::jsonb AS jb,
                       NULL AS nothing, timestamp '2024-05-01 12:30:00' AS ts,
                       timestamptz '2024-05-01 12:30:00+00' AS tstz, date '2024-05-01' AS d,
                       'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid AS u, ARRAY['x', 'y'] AS arr""").getFirst();
        assertThat(row).containsEntry("i", 1L).containsEntry("big", 2L).containsEntry("small", 3L)
                .containsEntry("f", 1.5).containsEntry("r", 2.5).containsEntry("dec", 2.5).containsEntry("whole", 7L)
                .containsEntry("yes", true).containsEntry("t", "txt").containsEntry("v", "v")
                .containsEntry("j", "{\"a\":1}").containsEntry("jb", "{\"b\": 2}")
                .containsEntry("ts", "2024-05-01T12:30").containsEntry("d", "2024-05-01")
                .containsEntry("u", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11").containsEntry("arr", List.of("x", "y"))
                .doesNotContainKey("nothing");
        assertThat((byte[]) row.get("bin")).containsExactly(1, 2);
        assertThat((String) row.get("tstz")).startsWith("2024-05-01T12:30Z");
    }

    @Test
    void parametersOfEveryModelTypeAreBound() {
        ensurePool();
        Map<String, Object> row = postgres.rows(POOL,
                "SELECT $1::text AS s, $2::bigint AS l, $3::float8 AS d, $4::boolean AS b, $5::bytea AS bin, "
                        + "$6::text IS NULL AS was_null, $1 || $1 AS twice",
                "hello", 42L, 0.25, true, new byte[] {7}, null).getFirst();
        assertThat(row).containsEntry("s", "hello").containsEntry("l", 42L).containsEntry("d", 0.25)
                .containsEntry("b", true).containsEntry("was_null", true).containsEntry("twice", "hellohello");
        assertThat((byte[]) row.get("bin")).containsExactly(7);
    }

    @Test
    void stringParametersTakeTheTypeTheServerInfers() {
        ensurePool();
        assertThat(postgres.rows(POOL, "SELECT 41 + $1 AS n", "1").getFirst()).containsEntry("n", 42L);
    }

    @Test
    void theJsonbQuestionMarkOperatorWorksNextToPlaceholders() {
        ensurePool();
        assertThat(postgres.rows(POOL, "SELECT '{\"a\":1}'::jsonb ? $1 AS has", "a").getFirst())
                .containsEntry("has", true);
    }

    @Test
    void aStatementTheServerRefusesGivesFalseAndAWarningWithoutTheValues() {
        ensurePool();
        assertThat(postgres.execute(POOL, "SELECT * FROM no_such_table WHERE secret = $1", "s3cr3t-value"))
                .isEqualTo(false);
        assertThat(postgres.log.entries()).singleElement().satisfies(e -> assertThat(e.level()).isEqualTo("warn"));
        assertThat(postgres.logText()).contains("42P01").doesNotContain("s3cr3t-value");
    }

    @Test
    void tooFewOrTooManyValuesAreAnError() {
        ensurePool();
        assertThatThrownBy(() -> postgres.execute(POOL, "SELECT $1, $2", "a"))
                .isInstanceOf(ProviderException.class)
                .hasMessage("postgres.execute: the statement has parameters up to $2, but 1 value was given");
        assertThatThrownBy(() -> postgres.execute(POOL, "SELECT 1", "a"))
                .hasMessage("postgres.execute: the statement has no parameters, but 1 value was given");
    }

    @Test
    void aTableIsNotAParameter() {
        ensurePool();
        assertThatThrownBy(() -> postgres.execute(POOL, "SELECT $1", Map.of("a", 1L)))
                .isInstanceOf(ProviderException.class)
                .hasMessage("postgres.execute: bad argument #3 (string, number, boolean or nil expected, got table)");
    }

    @Test
    void anUnknownPoolIsAnError() {
        assertThatThrownBy(() -> postgres.execute("nope", "SELECT 1"))
                .isInstanceOf(ProviderException.class)
                .hasMessage("postgres.execute: unknown pool: nope");
    }

    @Test
    void ensurePoolWithoutOptionsUsesPoolPostgresAndTheConfig() {
        DatabaseAccount a = PG.account();
        postgres.close();
        postgres = new ProviderUnderTest(new PostgresProviderFactory(), Map.of("providers", Map.of("postgres", Map.of(
                "host", a.host(), "port", (long) a.port(), "user", a.user(), "password", a.password(),
                "database", a.database(), "pool_size", 2L))));
        assertThat(postgres.call("ensure_pool")).isEqualTo(true);
        assertThat(postgres.context.pools().ids()).containsExactly("pool_postgres");
        assertThat(postgres.pool("pool_postgres").maximumSize()).isEqualTo(2);
        assertThat(postgres.rows("pool_postgres", "SELECT current_user AS u").getFirst()).containsEntry("u", a.user());
    }

    @Test
    void ensurePoolAgainKeepsTheFirstPoolAndItsSettings() {
        postgres.call("ensure_pool", options("size", 2L));
        SqlPool first = postgres.pool(POOL);
        assertThat(postgres.call("ensure_pool", options("size", 7L, "port", 1L))).isEqualTo(true);
        assertThat(postgres.pool(POOL)).isSameAs(first);
        assertThat(first.maximumSize()).isEqualTo(2);
        assertThat(postgres.rows(POOL, "SELECT 1 AS one")).hasSize(1);
    }

    @Test
    void thePoolOpensAsManyConnectionsAsItsSize() throws InterruptedException {
        postgres.call("ensure_pool", options("size", 3L));
        SqlPool pool = postgres.pool(POOL);
        postgres.execute(POOL, "SELECT 1");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (pool.openConnections() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(pool.openConnections()).isEqualTo(3);
        assertThat(pool.maximumSize()).isEqualTo(3);
    }

    @Test
    void aMalformedOptionIsAnErrorNamingIt() {
        assertThatThrownBy(() -> postgres.call("ensure_pool", options("port", "abc")))
                .isInstanceOf(ProviderException.class)
                .hasMessage("postgres.ensure_pool: bad argument #1 (field 'port': an integer from 1 to 65535 expected, got 'abc')");
        assertThatThrownBy(() -> postgres.call("ensure_pool", options("verify", "maybe")))
                .hasMessageContaining("field 'verify'");
        assertThatThrownBy(() -> postgres.call("ensure_pool", options("password", true)))
                .hasMessage("postgres.ensure_pool: bad argument #1 (field 'password': string expected, got boolean)");
    }

    @Test
    void aWrongPasswordIsAnErrorThatDoesNotShowThePassword() {
        String wrong = "not-the-Passw0rd";
        postgres.call("ensure_pool", options("password", wrong));
        assertThatThrownBy(() -> postgres.execute(POOL, "SELECT 1"))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("authentication failed")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(wrong).doesNotContain(PG.account().password()));
        assertThat(postgres.logText()).doesNotContain(wrong);
    }

    /** vmq_diversity's postgres_error_test.lua: a pool on a port where nothing listens. */
    @Test
    void aPoolWhereNothingListensFailsFastWithAnError() {
        long began = System.nanoTime();
        assertThat(postgres.call("ensure_pool", options("port", (long) PortsForTests.unused()))).isEqualTo(true);
        assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(3));
        long called = System.nanoTime();
        assertThatThrownBy(() -> postgres.execute(POOL, "SELECT 1"))
                .isInstanceOf(ProviderException.class)
                .hasMessageMatching("postgres\\.execute: pool postgres_test cannot connect to 127\\.0\\.0\\.1:\\d+ "
                        + "\\((connection refused|timed out)\\)");
        // The default connect timeout is 1.5 s; the bound is loose for busy machines.
        assertThat(Duration.ofNanos(System.nanoTime() - called)).isLessThan(Duration.ofSeconds(4));
    }

    @Test
    void thePoolReconnectsWhenTheServerIsBack() throws InterruptedException {
        assumeThat(PG.isEmbedded()).as("an embedded server to stop").isTrue();
        postgres.call("ensure_pool", options("connect_timeout", 500L));
        assertThat(postgres.rows(POOL, "SELECT 1 AS one")).hasSize(1);
        PG.stop();
        try {
            long called = System.nanoTime();
            assertThatThrownBy(() -> postgres.execute(POOL, "SELECT 1")).isInstanceOf(ProviderException.class)
                    .hasMessageStartingWith("postgres.execute: pool postgres_test ");
            assertThat(Duration.ofNanos(System.nanoTime() - called)).isLessThan(Duration.ofSeconds(3));
        } finally {
            PG.restart();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        Object result = null;
        while (System.nanoTime() < deadline) {
            try {
                result = postgres.execute(POOL, "SELECT 1 AS one");
                break;
            } catch (ProviderException notYet) {
                Thread.sleep(100);
            }
        }
        assertThat(result).isEqualTo(List.of(Map.of("one", 1L)));
    }

    @Test
    void aPoolWhoseConnectionsAreAllBusyIsAnError() throws Exception {
        postgres.call("ensure_pool", options("size", 1L, "connect_timeout", 300L));
        postgres.execute(POOL, "SELECT 1");
        Thread sleeper = Thread.ofVirtual().start(() -> postgres.execute(POOL, "SELECT pg_sleep(1.5)"));
        try {
            Thread.sleep(300);
            assertThatThrownBy(() -> postgres.execute(POOL, "SELECT 1"))
                    .isInstanceOf(ProviderException.class)
                    .hasMessage("postgres.execute: pool postgres_test busy: all 1 connections in use for 300 ms");
        } finally {
            sleeper.join();
        }
    }

    @Test
    void closingTheRegistryClosesThePools() {
        ensurePool();
        SqlPool pool = postgres.pool(POOL);
        postgres.context.pools().close();
        assertThat(pool.isClosed()).isTrue();
    }

    @Test
    void hashMethodIsCryptByDefault() {
        assertThat(postgres.call("hash_method")).isEqualTo("crypt");
    }

    @Test
    void hashMethodComesFromTheAuthSectionOrTheProviderSection() {
        ProviderUnderTest fromAuth = new ProviderUnderTest(new PostgresProviderFactory(),
                Map.of("auth", Map.of("postgres", Map.of("enabled", false, "password_hash_method", "bcrypt"))));
        assertThat(fromAuth.call("hash_method")).isEqualTo("bcrypt");
        ProviderUnderTest fromProvider = new ProviderUnderTest(new PostgresProviderFactory(),
                Map.of("providers", Map.of("postgres", Map.of("password_hash_method", "bcrypt")),
                        "auth", Map.of("postgres", Map.of("password_hash_method", "crypt"))));
        assertThat(fromProvider.call("hash_method")).isEqualTo("bcrypt");
    }

    @Test
    void anUnknownHashMethodOrBadConfigStopsTheStartNamingTheKey() {
        assertThatThrownBy(() -> new PostgresProviderFactory().create(TestProviderContext.of("postgres",
                Map.of("auth", Map.of("postgres", Map.of("password_hash_method", "md5"))), postgres.log.logger())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("auth.postgres.password_hash_method: one of crypt, bcrypt expected, got 'md5'");
        assertThatThrownBy(() -> new PostgresProviderFactory().create(TestProviderContext.of("postgres",
                Map.of("providers", Map.of("postgres", Map.of("pool_size", "many"))), postgres.log.logger())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("providers.postgres.pool_size: an integer from 1 to 1000 expected, got 'many'");
    }
}
