package io.polyhook.provider.mongodb;

import com.mongodb.ConnectionString;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension that gives tests one MongoDB server per JVM: {@code @ExtendWith(EmbeddedMongo.class)},
 * then {@link #endpoint()}. The server is mongo-java-server's in-memory emulator on 127.0.0.1
 * and a free port, started on first use and stopped by a shutdown hook. With
 * {@code TEST_MONGO_URI=mongodb://[user:password@]host:port/[database][?authSource=...]} the
 * tests use that server instead (tests that stop a server of their own are then skipped).
 */
public final class EmbeddedMongo implements BeforeAllCallback {

    /** Where the test server listens and how to log in (empty strings for no login). */
    public record Endpoint(String host, int port, String login, String password, String authSource) {
        @Override
        public String toString() {
            return "mongodb://" + host + ":" + port;
        }
    }

    private static Endpoint endpoint;

    @Override
    public void beforeAll(ExtensionContext context) {
        endpoint();
    }

    public static boolean isExternal() {
        String uri = System.getenv("TEST_MONGO_URI");
        return uri != null && !uri.isBlank();
    }

    public static synchronized Endpoint endpoint() {
        if (endpoint == null) {
            if (isExternal()) {
                ConnectionString uri = new ConnectionString(System.getenv("TEST_MONGO_URI").strip());
                String[] hostPort = uri.getHosts().getFirst().split(":");
                var credential = uri.getCredential();
                endpoint = new Endpoint(hostPort[0], hostPort.length > 1 ? Integer.parseInt(hostPort[1]) : 27017,
                        credential == null ? "" : credential.getUserName(),
                        credential == null || credential.getPassword() == null ? "" : new String(credential.getPassword()),
                        credential == null ? "admin" : credential.getSource());
            } else {
                MongoTestServer server = MongoTestServer.start();
                System.out.printf("mongo-java-server (MemoryBackend, an emulator) on 127.0.0.1:%d started in %d ms%n",
                        server.port(), server.startMillis());
                endpoint = new Endpoint(server.host(), server.port(), "", "", "admin");
            }
        }
        return endpoint;
    }
}
