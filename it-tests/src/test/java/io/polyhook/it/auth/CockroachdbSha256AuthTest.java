package io.polyhook.it.auth;

import io.polyhook.provider.sql.EmbeddedPostgresExtension;
import org.junit.jupiter.api.parallel.ResourceLock;

/** cockroachdb.lua with sha256 (in the server), on PostgreSQL standing in for CockroachDB (no TLS). */
@ResourceLock("polyhook-it-auth-postgres")
class CockroachdbSha256AuthTest extends BundledAuthContract {

    private final PostgresStore store = new PostgresStore(new EmbeddedPostgresExtension().account(), "sha256");

    @Override
    String db() {
        return "cockroachdb";
    }

    @Override
    AuthStore store() {
        return store;
    }

    @Override
    String providersYaml() {
        return store.providersYaml("cockroachdb", ", ssl: false");
    }
}
