package io.polyhook.it.auth;

import io.polyhook.provider.sql.EmbeddedMariaDbExtension;
import org.junit.jupiter.api.parallel.ResourceLock;

/** mysql2.lua with password_hash_method md5, on MariaDB 11.4. */
@ResourceLock("polyhook-it-auth-mariadb")
class Mysql2Md5AuthTest extends BundledAuthContract {

    private final MariaDbStore store = new MariaDbStore(new EmbeddedMariaDbExtension().account(), "md5");

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
