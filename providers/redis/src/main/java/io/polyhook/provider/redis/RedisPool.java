package io.polyhook.provider.redis;

import redis.clients.jedis.BuilderFactory;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.CommandObject;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.NoSuchElementException;

/**
 * One named Redis pool: a Jedis {@link RedisClient} with up to {@code size} connections,
 * opened when needed, so a pool
 * whose server is down is created at once and its calls fail within the connect timeout.
 * Thread-safe; lives in the node's pool registry until the broker stops.
 */
final class RedisPool implements AutoCloseable {

    private final PoolSettings settings;
    private final RedisClient client;

    RedisPool(PoolSettings settings) {
        this.settings = settings;
        ConnectionPoolConfig config = new ConnectionPoolConfig();
        config.setMaxTotal(settings.size());
        config.setMaxIdle(settings.size());
        config.setMinIdle(0);
        config.setBlockWhenExhausted(true);
        config.setMaxWait(settings.poolTimeout());
        // Idle connections to a server that restarted are found and dropped in the background;
        // a failed call also drops them all at once (see send).
        config.setTestWhileIdle(true);
        config.setTimeBetweenEvictionRuns(Duration.ofSeconds(30));
        config.setJmxEnabled(false);
        DefaultJedisClientConfig client = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(millis(settings.connectTimeout()))
                .socketTimeoutMillis(millis(settings.commandTimeout()))
                .user(settings.user().isEmpty() ? null : settings.user())
                .password(settings.password().isEmpty() ? null : settings.password())
                .database(settings.database())
                // RESP2 with a plain AUTH, which every server since Redis 2 understands; no HELLO.
                .autoNegotiateProtocol(false)
                // CLIENT SETINFO is Redis 7.2+; older servers answer it with an error.
                .clientSetInfoConfig(ClientSetInfoConfig.DISABLED)
                .build();
        this.client = RedisClient.builder()
                .hostAndPort(new HostAndPort(settings.host(), settings.port()))
                .clientConfig(client)
                .poolConfig(config)
                .build();
    }

    PoolSettings settings() {
        return settings;
    }

    /** Connections open now, idle or in use. */
    int openConnections() {
        return client.getPool().getNumActive() + client.getPool().getNumIdle();
    }

    /**
     * Sends one command and returns Jedis' raw reply: {@code byte[]} for status and bulk
     * replies, {@code Long}, {@code List} of those, or {@code null}.
     *
     * @throws JedisDataException the server answered with an error reply
     * @throws Unavailable there was no connection or it broke; the message is safe to show
     */
    Object send(ProtocolCommand command, byte[][] arguments) {
        CommandArguments words = new CommandArguments(command);
        for (byte[] argument : arguments) {
            words.add(argument);
        }
        try {
            return client.executeCommand(new CommandObject<>(words, BuilderFactory.RAW_OBJECT));
        } catch (JedisAccessControlException e) {
            // The error codes are the server's; its text names no secret.
            String code = e.getMessage() == null ? "" : e.getMessage();
            if (code.startsWith("NOPERM")) {
                throw e; // this user may not run this command: an error reply like any other
            }
            throw new Unavailable(code.startsWith("NOAUTH") ? "authentication required by " + where()
                    : "authentication failed at " + where(), e);
        } catch (JedisDataException e) {
            throw e;
        } catch (JedisConnectionException e) {
            // The server went away: the other idle connections are most likely dead too.
            client.getPool().clear();
            throw new Unavailable(reason(e), e);
        } catch (JedisException e) {
            // No connection to be had: refused, timed out, authentication failed, pool busy.
            throw new Unavailable(reason(e), e);
        }
    }

    @Override
    public void close() {
        client.close();
    }

    private String where() {
        return settings.host() + ":" + settings.port();
    }

    private String reason(Throwable e) {
        String where = where();
        String reason = reason(e, where, 0);
        return reason != null ? reason : "connection to " + where + " lost or failed (" + e.getClass().getSimpleName() + ")";
    }

    // Jedis tries every address a name resolves to and keeps the failures as suppressed
    // exceptions, so those are searched too.
    private String reason(Throwable t, String where, int depth) {
        if (t == null || depth > 8) {
            return null;
        }
        switch (t) {
            case JedisAccessControlException a -> {
                return "authentication failed at " + where;
            }
            case NoSuchElementException n -> {
                return "all " + settings.size() + " connections busy for " + settings.poolTimeout().toMillis() + " ms";
            }
            case ConnectException c -> {
                return "cannot connect to " + where + " (connection refused)";
            }
            case SocketTimeoutException s -> {
                return "no answer from " + where + " (timed out)";
            }
            case UnknownHostException u -> {
                return "cannot connect to " + where + " (unknown host)";
            }
            default -> {
            }
        }
        for (Throwable suppressed : t.getSuppressed()) {
            String reason = reason(suppressed, where, depth + 1);
            if (reason != null) {
                return reason;
            }
        }
        return reason(t.getCause(), where, depth + 1);
    }

    private static int millis(Duration duration) {
        return (int) Math.min(Integer.MAX_VALUE, duration.toMillis());
    }

    /** No connection to the server, or it broke mid-call. The message holds no secret. */
    static final class Unavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
