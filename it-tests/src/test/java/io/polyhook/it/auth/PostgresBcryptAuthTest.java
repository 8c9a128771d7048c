package io.polyhook.it.auth;

import io.polyhook.provider.sql.EmbeddedPostgresExtension;
import org.junit.jupiter.api.parallel.ResourceLock;

/** postgres.lua with password_hash_method bcrypt: the broker checks the stored hash. */
@ResourceLock("polyhook-it-auth-postgres")
class PostgresBcryptAuthTest extends BundledAuthContract {

    private final PostgresStore store = new PostgresStore(new EmbeddedPostgresExtension().account(), "bcrypt");

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
