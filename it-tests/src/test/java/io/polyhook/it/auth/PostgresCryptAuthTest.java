package io.polyhook.it.auth;

import io.polyhook.provider.sql.EmbeddedPostgresExtension;
import org.junit.jupiter.api.parallel.ResourceLock;

/** postgres.lua with password_hash_method crypt: pgcrypto checks the password in the server. */
@ResourceLock("polyhook-it-auth-postgres")
class PostgresCryptAuthTest extends BundledAuthContract {

    private final PostgresStore store = new PostgresStore(new EmbeddedPostgresExtension().account(), "crypt");

    @Override
    String db() {
        return "postgres";
    }

    @Override
    AuthStore store() {
        return store;
    }

    @Override
    String providersYaml() {
        return store.providersYaml("postgres", "");
    }
}
