package io.polyhook.provider.redis;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * JUnit 5 extension that gives tests one Redis server per JVM: {@code @ExtendWith(EmbeddedRedis.class)},
 * then {@link #endpoint()}. The server is an embedded Redis 6.2 on 127.0.0.1 and a free port,
 * started on first use and stopped by a shutdown hook. With
 * {@code TEST_REDIS_URL=redis://[[user]:password@]host:port} the tests use that server instead
 * (and tests that need to stop a server of their own are skipped: see {@link #isExternal()}).
 */
public final class EmbeddedRedis implements BeforeAllCallback {

    /** Where the test server listens, and the credentials it wants (empty strings for none). */
    public record Endpoint(String host, int port, String user, String password) {
        @Override
        public String toString() {
            return "redis://" + host + ":" + port;
        }
    }

    private static Endpoint endpoint;

    @Override
    public void beforeAll(ExtensionContext context) {
        endpoint();
    }

    /** Whether the tests run against an external server given by {@code TEST_REDIS_URL}. */
    public static boolean isExternal() {
        String url = System.getenv("TEST_REDIS_URL");
        return url != null && !url.isBlank();
    }

    /** The server, started on first call. */
    public static synchronized Endpoint endpoint() {
        if (endpoint == null) {
            endpoint = isExternal() ? parse(System.getenv("TEST_REDIS_URL")) : startEmbedded();
        }
        return endpoint;
    }

    private static Endpoint startEmbedded() {
        RedisTestServer server = RedisTestServer.start();
        System.out.printf("embedded Redis on 127.0.0.1:%d started in %d ms%n", server.port(), server.startMillis());
        return new Endpoint(server.host(), server.port(), "", "");
    }

    private static Endpoint parse(String url) {
        URI uri = URI.create(url.strip());
        String user = "";
        String password = "";
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            if (parts.length == 2) {
                user = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
                password = URLDecoder.decode(parts[1], StandardCharsets.UTF_8);
            } else {
                password = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
            }
        }
        return new Endpoint(uri.getHost(), uri.getPort() == -1 ? 6379 : uri.getPort(), user, password);
    }
}
