package io.polyhook.it.auth;

import io.polyhook.provider.sql.EmbeddedMariaDbExtension;
import org.junit.jupiter.api.parallel.ResourceLock;

/** mysql2.lua with password_hash_method sha256, on MariaDB 11.4. */
@ResourceLock("polyhook-it-auth-mariadb")
class Mysql2Sha256AuthTest extends BundledAuthContract {

    private final MariaDbStore store = new MariaDbStore(new EmbeddedMariaDbExtension().account(), "sha256");

    @Override
    String db() {
        return "mysql2";
    }

    @Override
    AuthStore store() {
        return store;
    }

    @Override
    String providersYaml() {
        return store.providersYaml("mysql2");
    }
}
