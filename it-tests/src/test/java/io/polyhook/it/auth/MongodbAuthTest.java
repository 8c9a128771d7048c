package io.polyhook.it.auth;

import org.junit.jupiter.api.parallel.ResourceLock;

/** mongodb.lua: collection vmq_acl_auth with bcrypt hashes, on mongo-java-server. */
@ResourceLock("polyhook-it-auth-mongodb")
class MongodbAuthTest extends BundledAuthContract {

    private final MongoStore store = new MongoStore();

    @Override
    String db() {
        return "mongodb";
    }

    @Override
    AuthStore store() {
        return store;
    }

    @Override
    String providersYaml() {
        return store.providersYaml();
    }
}
