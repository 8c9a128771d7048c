package io.polyhook.provider.sql;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** How the TLS options of ensure_pool reach the drivers. */
class DataSourcesTest {

    private static PoolSettings settings(SqlLibrary library, Map<String, Object> fields) {
        return library.builtInSettings().with(fields, false, (field, problem) -> new IllegalArgumentException(field));
    }

    @Test
    void postgresWithoutSslDisablesIt() {
        assertThat(DataSources.postgres(settings(SqlLibrary.POSTGRES, Map.of())).getSslMode()).isEqualTo("disable");
    }

    @Test
    void postgresVerifyPeerChecksChainAndHostNameWithTheSystemCas() {
        var ds = DataSources.postgres(settings(SqlLibrary.POSTGRES, Map.of("ssl", true)));
        assertThat(ds.getSslMode()).isEqualTo("verify-full");
        assertThat(ds.getSslfactory()).isEqualTo("org.postgresql.ssl.DefaultJavaSSLFactory");
    }

    @Test
    void postgresFilesBecomeSslRootCertCertAndKey() {
        var ds = DataSources.postgres(settings(SqlLibrary.POSTGRES, Map.of("ssl", true, "cacertfile", "/ca.pem",
                "certfile", "/client.pem", "keyfile", "/client.pk8", "verify", "verify_peer")));
        assertThat(ds.getSslRootCert()).isEqualTo("/ca.pem");
        assertThat(ds.getSslCert()).isEqualTo("/client.pem");
        assertThat(ds.getSslKey()).isEqualTo("/client.pk8");
    }

    @Test
    void postgresVerifyNoneEncryptsWithoutChecking() {
        var ds = DataSources.postgres(settings(SqlLibrary.POSTGRES, Map.of("ssl", true, "verify", "verify_none")));
        assertThat(ds.getSslMode()).isEqualTo("require");
        assertThat(ds.getSslfactory()).isNotEqualTo("org.postgresql.ssl.DefaultJavaSSLFactory");
    }

    @Test
    void cockroachdbHasTlsOnByDefault() {
        assertThat(DataSources.postgres(settings(SqlLibrary.COCKROACHDB, Map.of())).getSslMode()).isEqualTo("verify-full");
    }

    @Test
    void theMariadbUrlCarriesTlsOptionsButNoCredentials() {
        var ds = DataSources.mariadb(settings(SqlLibrary.MYSQL2, Map.of("ssl", true, "cacertfile", "/ca.pem",
                "user", "u", "password", "pw-secret")));
        assertThat(ds.getUrl()).containsIgnoringCase("sslMode=verify_full").contains("serverSslCert=%2Fca.pem")
                .doesNotContain("pw-secret");
    }

    @Test
    void settingsNeverShowThePassword() {
        assertThat(settings(SqlLibrary.POSTGRES, Map.of("password", "pw-secret")).toString()).doesNotContain("pw-secret");
    }
}
