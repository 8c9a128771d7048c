package io.polyhook.provider.memcached;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension that gives tests one memcached server per JVM: {@code @ExtendWith(EmbeddedMemcached.class)},
 * then {@link #endpoint()}. It is Debian's memcached when the test can start it, else an
 * in-process text-protocol server (see {@link MemcachedTestServer}); the test output says
 * which. With {@code TEST_MEMCACHED=host:port} the tests use that server instead (tests that
 * stop a server of their own are then skipped).
 */
public final class EmbeddedMemcached implements BeforeAllCallback {

    /** Where the test server listens. */
    public record Endpoint(String host, int port) {
    }

    private static Endpoint endpoint;

    @Override
    public void beforeAll(ExtensionContext context) {
        endpoint();
    }

    public static boolean isExternal() {
        String target = System.getenv("TEST_MEMCACHED");
        return target != null && !target.isBlank();
    }

    public static synchronized Endpoint endpoint() {
        if (endpoint == null) {
            if (isExternal()) {
                String target = System.getenv("TEST_MEMCACHED").strip();
                int colon = target.lastIndexOf(':');
                endpoint = colon < 0 ? new Endpoint(target, 11211)
                        : new Endpoint(target.substring(0, colon), Integer.parseInt(target.substring(colon + 1)));
            } else {
                long started = System.nanoTime();
                MemcachedTestServer server = MemcachedTestServer.start();
                System.out.printf("memcached test server: %s on 127.0.0.1:%d, started in %d ms%n", server.kind(),
                        server.port(), (System.nanoTime() - started) / 1_000_000);
                endpoint = new Endpoint(server.host(), server.port());
            }
        }
        return endpoint;
    }
}
