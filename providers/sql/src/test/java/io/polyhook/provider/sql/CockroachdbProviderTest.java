package io.polyhook.provider.sql;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** cockroachdb is postgres with other defaults; it runs here against the embedded PostgreSQL without TLS. */
class CockroachdbProviderTest {

    @RegisterExtension
    static final EmbeddedPostgresExtension PG = new EmbeddedPostgresExtension();

    private final ProviderUnderTest cockroach = new ProviderUnderTest(new CockroachdbProviderFactory());

    @AfterEach
    void closePools() {
        cockroach.close();
    }

    @Test
    void ensurePoolWithoutPoolIdRegistersPoolCockroachdbWithTlsOn() {
        Map<String, Object> options = PG.account().poolOptions("ignored");
        options.remove("pool_id");
        assertThat(cockroach.call("ensure_pool", options)).isEqualTo(true);
        assertThat(cockroach.context.pools().ids()).containsExactly("pool_cockroachdb");
        assertThat(cockroach.pool("pool_cockroachdb").settings().ssl()).isTrue();
        assertThat(cockroach.pool("pool_cockroachdb").settings().verifyPeer()).isTrue();
    }

    @Test
    void withoutTlsItRunsTheSameStatementsAsPostgres() {
        Map<String, Object> options = PG.account().poolOptions("crdb");
        options.put("ssl", false);
        assertThat(cockroach.call("ensure_pool", options)).isEqualTo(true);
        assertThat(cockroach.execute("crdb", "CREATE TABLE IF NOT EXISTS crdb_test (k text PRIMARY KEY)")).isEqualTo(List.of());
        cockroach.execute("crdb", "DELETE FROM crdb_test");
        assertThat(cockroach.execute("crdb", "INSERT INTO crdb_test VALUES ($1)", "a")).isEqualTo(true);
        assertThat(cockroach.rows("crdb", "SELECT k FROM crdb_test WHERE k = $1", "a")).containsExactly(Map.of("k", "a"));
    }

    @Test
    void hashMethodIsBcryptByDefaultAndMayBeSha256() {
        assertThat(cockroach.call("hash_method")).isEqualTo("bcrypt");
        ProviderUnderTest sha = new ProviderUnderTest(new CockroachdbProviderFactory(),
                Map.of("auth", Map.of("cockroachdb", Map.of("password_hash_method", "sha256"))));
        assertThat(sha.call("hash_method")).isEqualTo("sha256");
        assertThatThrownBy(() -> new ProviderUnderTest(new CockroachdbProviderFactory(),
                Map.of("providers", Map.of("cockroachdb", Map.of("password_hash_method", "crypt")))))
                .hasRootCauseMessage("providers.cockroachdb.password_hash_method: one of sha256, bcrypt expected, got 'crypt'");
    }
}
