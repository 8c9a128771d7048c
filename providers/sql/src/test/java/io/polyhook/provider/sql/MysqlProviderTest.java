package io.polyhook.provider.sql;

import io.polyhook.core.provider.ProviderException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

class MysqlProviderTest {

    @RegisterExtension
    static final EmbeddedMariaDbExtension MARIADB = new EmbeddedMariaDbExtension();

    private static final String POOL = "mysql_test";

    private ProviderUnderTest mysql = new ProviderUnderTest(new MysqlProviderFactory());

    @AfterEach
    void closePools() {
        mysql.close();
    }

    private Map<String, Object> options(Object... keysAndValues) {
        Map<String, Object> options = new LinkedHashMap<>(MARIADB.account().poolOptions(POOL));
        for (int i = 0; i < keysAndValues.length; i += 2) {
            options.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return options;
    }

    private void ensurePool() {
        assertThat(mysql.call("ensure_pool", options())).isEqualTo(true);
    }

    /** vmq_diversity's mysql_test.lua, step by step. */
    @Test
    void theMysqlTestScriptFlowWorks() {
        assertThat(mysql.call("ensure_pool", options("size", 5L, "encoding", "utf8"))).isEqualTo(true);
        assertThat(mysql.execute(POOL, "DROP TABLE IF EXISTS vmq_test_acl")).isEqualTo(true);
        assertThat(mysql.execute(POOL, """
                CREATE TABLE vmq_test_acl (client_id varchar(128), mountpoint varchar(10),
                                           user_name varchar(128), password varchar(128))""")).isEqualTo(true);
        for (int i = 1; i <= 4; i++) {
            assertThat(mysql.execute(POOL, "INSERT INTO vmq_test_acl VALUES (?, ?, ?, ?)",
                    "client_id_" + i, "", "user_name_" + i, "password_" + i)).isEqualTo(true);
        }
        List<Map<String, Object>> all = mysql.rows(POOL, "SELECT * FROM vmq_test_acl");
        assertThat(all).hasSize(4);
        assertThat(all.getFirst()).containsExactly(Map.entry("client_id", "client_id_1"), Map.entry("mountpoint", ""),
                Map.entry("user_name", "user_name_1"), Map.entry("password", "password_1"));
        assertThat(mysql.rows(POOL, "SELECT * FROM vmq_test_acl WHERE client_id = ? AND user_name = ? AND password = ?",
                "client_id_3", "user_name_3", "password_3")).hasSize(1);
        assertThat(mysql.call("hash_method")).isEqualTo("PASSWORD(?)");
    }

    @Test
    void theHashMethodFragmentWorksOnTheServer() {
        ensurePool();
        Map<String, Object> row = mysql.rows(POOL, "SELECT " + mysql.call("hash_method") + " AS h, SHA2(?, 256) AS s",
                "secret", "secret").getFirst();
        assertThat((String) row.get("h")).startsWith("*").hasSize(41);
        assertThat((String) row.get("s")).hasSize(64);
    }

    @Test
    void statementsWithoutRowsGiveTrueWhateverTheyChanged() {
        ensurePool();
        mysql.execute(POOL, "CREATE TABLE IF NOT EXISTS counted (id int PRIMARY KEY, n int)");
        mysql.execute(POOL, "DELETE FROM counted");
        assertThat(mysql.execute(POOL, "INSERT INTO counted VALUES (?, 0)", 1L)).isEqualTo(true);
        assertThat(mysql.execute(POOL, "UPDATE counted SET n = n + 1 WHERE id = ?", 2L)).isEqualTo(true);
        assertThat(mysql.execute(POOL, "SELECT * FROM counted WHERE id = ?", 2L)).isEqualTo(List.of());
    }

    @Test
    void columnValuesBecomeModelValues() {
        ensurePool();
        Map<String, Object> row = mysql.rows(POOL, """
                SELECT 1 AS i, CAST(2 AS SIGNED) AS big, CAST(1 AS UNSIGNED) AS u, 1.5e0 AS f, 2.50 AS fraction,
                       CAST(1 AS DECIMAL(5,0)) AS whole, TRUE AS yes, 'txt' AS t, X'0102' AS bin, NULL AS nothing,
                       CAST('2024-05-01 12:30:00' AS DATETIME) AS ts, CAST('2024-05-01' AS DATE) AS d,
                       JSON_OBJECT('a', 1) AS j""").getFirst();
        assertThat(row).containsEntry("i", 1L).containsEntry("big", 2L).containsEntry("u", 1L).containsEntry("f", 1.5)
                .containsEntry("fraction", 2.5).containsEntry("whole", 1L).containsEntry("yes", 1L).containsEntry("t", "txt")
                .containsEntry("ts", "2024-05-01T12:30").containsEntry("d", "2024-05-01")
                .containsEntry("j", "{\"a\": 1}").doesNotContainKey("nothing");
        assertThat((byte[]) row.get("bin")).containsExactly(1, 2);
    }

    @Test
    void parametersOfEveryModelTypeAreBound() {
        ensurePool();
        Map<String, Object> row = mysql.rows(POOL, "SELECT ? AS s, ? + 0 AS l, ? AS d, ? AS b, ? IS NULL AS was_null",
                "hello", 42L, 0.25, true, null).getFirst();
        assertThat(row).containsEntry("s", "hello").containsEntry("l", 42L).containsEntry("d", 0.25)
                .containsEntry("b", 1L).containsEntry("was_null", 1L);
    }

    @Test
    void aStatementTheServerRefusesGivesFalseAndAWarningWithoutTheValues() {
        ensurePool();
        assertThat(mysql.execute(POOL, "SELECT * FROM no_such_table WHERE secret = ?", "s3cr3t-value")).isEqualTo(false);
        assertThat(mysql.log.entries()).singleElement().satisfies(e -> assertThat(e.level()).isEqualTo("warn"));
        assertThat(mysql.logText()).contains("42S02").doesNotContain("s3cr3t-value");
    }

    @Test
    void theNumberOfValuesMustMatchThePlaceholders() {
        ensurePool();
        assertThatThrownBy(() -> mysql.execute(POOL, "SELECT ?, ?", "a"))
                .isInstanceOf(ProviderException.class)
                .hasMessage("mysql.execute: the statement has 2 ? placeholders, but 1 value was given");
    }

    @Test
    void anUnknownPoolIsAnError() {
        assertThatThrownBy(() -> mysql.execute("nope", "SELECT 1"))
                .isInstanceOf(ProviderException.class)
                .hasMessage("mysql.execute: unknown pool: nope");
    }

    @Test
    void ensurePoolAgainKeepsTheFirstPoolAndItsSettings() {
        mysql.call("ensure_pool", options("size", 2L));
        SqlPool first = mysql.pool(POOL);
        assertThat(mysql.call("ensure_pool", options("size", 9L))).isEqualTo(true);
        assertThat(mysql.pool(POOL)).isSameAs(first);
        assertThat(first.maximumSize()).isEqualTo(2);
    }

    @Test
    void thePoolOpensAsManyConnectionsAsItsSize() throws InterruptedException {
        mysql.call("ensure_pool", options("size", 3L));
        SqlPool pool = mysql.pool(POOL);
        mysql.execute(POOL, "SELECT 1");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (pool.openConnections() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(pool.openConnections()).isEqualTo(3);
    }

    @Test
    void aWrongPasswordIsAnErrorThatDoesNotShowThePassword() {
        String wrong = "not-the-Passw0rd";
        mysql.call("ensure_pool", options("password", wrong));
        assertThatThrownBy(() -> mysql.execute(POOL, "SELECT 1"))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("authentication failed")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(wrong));
        assertThat(mysql.logText()).doesNotContain(wrong);
    }

    @Test
    void aPoolWhereNothingListensFailsFastWithAnError() {
        mysql.call("ensure_pool", options("port", (long) PortsForTests.unused()));
        long called = System.nanoTime();
        assertThatThrownBy(() -> mysql.execute(POOL, "SELECT 1"))
                .isInstanceOf(ProviderException.class)
                .hasMessageMatching("mysql\\.execute: pool mysql_test cannot connect to 127\\.0\\.0\\.1:\\d+ \\(.*\\)");
        assertThat(Duration.ofNanos(System.nanoTime() - called)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void thePoolReconnectsWhenTheServerIsBack() throws InterruptedException {
        assumeThat(MARIADB.isEmbedded()).as("an embedded server to stop").isTrue();
        mysql.call("ensure_pool", options("connect_timeout", 500L));
        assertThat(mysql.rows(POOL, "SELECT 1 AS one")).hasSize(1);
        MARIADB.stop();
        try {
            long called = System.nanoTime();
            assertThatThrownBy(() -> mysql.execute(POOL, "SELECT 1")).isInstanceOf(ProviderException.class)
                    .hasMessageStartingWith("mysql.execute: pool mysql_test ");
            assertThat(Duration.ofNanos(System.nanoTime() - called)).isLessThan(Duration.ofSeconds(5));
        } finally {
            MARIADB.restart();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        Object result = null;
        while (System.nanoTime() < deadline) {
            try {
                result = mysql.execute(POOL, "SELECT 1 AS one");
                break;
            } catch (ProviderException notYet) {
                Thread.sleep(100);
            }
        }
        assertThat(result).isEqualTo(List.of(Map.of("one", 1L)));
    }

    @ParameterizedTest
    @CsvSource({"password, PASSWORD(?)", "md5, MD5(?)", "sha1, SHA1(?)", "sha256, 'SHA2(?, 256)'"})
    void hashMethodGivesTheSqlFragmentOfTheConfiguredMethod(String method, String fragment) {
        ProviderUnderTest configured = new ProviderUnderTest(new MysqlProviderFactory(),
                Map.of("providers", Map.of("mysql", Map.of("password_hash_method", method))));
        assertThat(configured.call("hash_method")).isEqualTo(fragment);
    }

    @Test
    void mysql2IsTheSameLibraryWithSha256AndItsOwnDefaultPool() {
        DatabaseAccount a = MARIADB.account();
        try (ProviderUnderTest mysql2 = new ProviderUnderTest(new Mysql2ProviderFactory(),
                Map.of("providers", Map.of("mysql2", Map.of("host", a.host(), "port", (long) a.port(),
                        "user", a.user(), "password", a.password(), "database", a.database()))))) {
            assertThat(mysql2.call("hash_method")).isEqualTo("SHA2(?, 256)");
            assertThat(mysql2.call("ensure_pool", Map.of("ssl", false))).isEqualTo(true);
            assertThat(mysql2.context.pools().ids()).containsExactly("pool_mysql2");
            assertThat(mysql2.rows("pool_mysql2", "SELECT ? AS x", "y")).containsExactly(Map.of("x", "y"));
        }
    }
}
