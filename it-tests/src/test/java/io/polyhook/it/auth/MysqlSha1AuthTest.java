package io.polyhook.it.auth;

import io.polyhook.provider.sql.EmbeddedMariaDbExtension;
import org.junit.jupiter.api.parallel.ResourceLock;

/** mysql.lua with password_hash_method sha1, on MariaDB 11.4. */
@ResourceLock("polyhook-it-auth-mariadb")
class MysqlSha1AuthTest extends BundledAuthContract {

    private final MariaDbStore store = new MariaDbStore(new EmbeddedMariaDbExtension().account(), "sha1");

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
