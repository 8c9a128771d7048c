package io.polyhook.it.auth;

import org.junit.jupiter.api.parallel.ResourceLock;

/** redis.lua: JSON keys and values with bcrypt hashes, on an embedded Redis. */
@ResourceLock("polyhook-it-auth-redis")
class RedisAuthTest extends BundledAuthContract {

    private final RedisStore store = new RedisStore();

    @Override
    String db() {
        return "redis";
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
