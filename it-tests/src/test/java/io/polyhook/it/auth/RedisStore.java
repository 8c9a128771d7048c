package io.polyhook.it.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.polyhook.provider.redis.EmbeddedRedis;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisProtocol;

import java.util.List;

/**
 * The keys of redis.lua in database {@value #DATABASE}: {@code ["<mountpoint>","<client_id>","<username>"]}
 * → {@code {"passhash": bcrypt, "publish_acl": [...], "subscribe_acl": [...]}}.
 */
final class RedisStore implements AuthStore {

    static final int DATABASE = 3;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final EmbeddedRedis.Endpoint endpoint = EmbeddedRedis.endpoint();

    String providersYaml() {
        StringBuilder yaml = new StringBuilder("redis: { host: \"" + endpoint.host() + "\", port: " + endpoint.port()
                + ", database: " + DATABASE + ", pool_size: 2");
        if (!endpoint.password().isEmpty()) {
            yaml.append(", password: \"").append(endpoint.password()).append('"');
        }
        if (!endpoint.user().isEmpty()) {
            yaml.append(", user: \"").append(endpoint.user()).append('"');
        }
        return yaml.append(" }").toString();
    }

    private Jedis connect() {
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder().database(DATABASE)
                .protocol(RedisProtocol.RESP2);
        if (!endpoint.password().isEmpty()) {
            config.password(endpoint.password());
        }
        if (!endpoint.user().isEmpty()) {
            config.user(endpoint.user());
        }
        return new Jedis(new HostAndPort(endpoint.host(), endpoint.port()), config.build());
    }

    /** The key of an entry: a JSON array without spaces. */
    static String key(String mountpoint, String clientId, String username) {
        try {
            return JSON.writeValueAsString(List.of(mountpoint, clientId, username));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void reset() {
        try (Jedis jedis = connect()) {
            jedis.flushDB();
        }
    }

    @Override
    public void add(String mountpoint, String clientId, String username, String password, String publishAcl,
                    String subscribeAcl) {
        String value = "{\"passhash\":\"" + AuthStore.bcrypt(password) + "\",\"publish_acl\":" + publishAcl
                + ",\"subscribe_acl\":" + subscribeAcl + "}";
        try (Jedis jedis = connect()) {
            jedis.set(key(mountpoint, clientId, username), value);
        }
    }
}
