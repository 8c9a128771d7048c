package io.polyhook.provider.redis;

import redis.embedded.RedisServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An embedded Redis server (codemonstur embedded-redis, Redis 6.2) on 127.0.0.1 and a free
 * port, which a test may stop and start again on the same port. Persistence is off and its
 * working files go under {@code java.io.tmpdir} (the module's target/ in this build).
 */
public final class RedisTestServer implements AutoCloseable {

    private final int port;
    private final RedisServer server;
    private final long startMillis;

    private RedisTestServer(int port, RedisServer server, long startMillis) {
        this.port = port;
        this.server = server;
        this.startMillis = startMillis;
    }

    /** Starts a server with extra config lines, e.g. {@code "requirepass secret"}. */
    public static RedisTestServer start(String... settings) {
        try {
            long started = System.nanoTime();
            int port = freePort();
            Path dir = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "redis-" + port));
            var builder = RedisServer.newRedisServer()
                    .port(port)
                    .setting("bind 127.0.0.1")
                    .setting("save \"\"")
                    .setting("appendonly no")
                    .setting("dir " + dir.toAbsolutePath());
            for (String setting : settings) {
                builder.setting(setting);
            }
            RedisServer server = builder.build();
            server.start();
            long millis = (System.nanoTime() - started) / 1_000_000;
            RedisTestServer redis = new RedisTestServer(port, server, millis);
            Runtime.getRuntime().addShutdownHook(new Thread(redis::stop, "stop-embedded-redis-" + port));
            return redis;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return port;
    }

    /** How long the first start took, unpacking the binary included. */
    public long startMillis() {
        return startMillis;
    }

    /** Stops the server; its port stays free for {@link #restart()}. */
    public void stop() {
        try {
            if (server.isActive()) {
                server.stop();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts the stopped server again on the same port. */
    public void restart() {
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        stop();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

}
