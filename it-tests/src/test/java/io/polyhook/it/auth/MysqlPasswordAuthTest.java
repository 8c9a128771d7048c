package io.polyhook.it.auth;

import io.polyhook.provider.sql.EmbeddedMariaDbExtension;
import org.junit.jupiter.api.parallel.ResourceLock;

/** mysql.lua with password_hash_method password, on MariaDB 11.4. */
@ResourceLock("polyhook-it-auth-mariadb")
class MysqlPasswordAuthTest extends BundledAuthContract {

    private final MariaDbStore store = new MariaDbStore(new EmbeddedMariaDbExtension().account(), "password");

    @Override
    String db() {
        return "mysql";
    }

    @Override
    AuthStore store() {
        return store;
    }

    @Override
    String providersYaml() {
        return store.providersYaml("mysql");
    }
}
