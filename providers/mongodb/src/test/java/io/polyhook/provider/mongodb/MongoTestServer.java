package io.polyhook.provider.mongodb;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/**
 * An in-memory MongoDB emulator (mongo-java-server, reports version 5.0) on 127.0.0.1 and a
 * free port, which a test may stop and start again on the same port (empty again). It is not
 * a real mongod: no authentication, transactions or change streams, partial aggregation.
 */
public final class MongoTestServer implements AutoCloseable {

    private final int port;
    private final long startMillis;
    private MongoServer server;

    private MongoTestServer(int port) {
        this.port = port;
        long started = System.nanoTime();
        restart();
        this.startMillis = (System.nanoTime() - started) / 1_000_000;
        Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "stop-mongo-java-server-" + port));
    }

    public static MongoTestServer start() {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new MongoTestServer(port);
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return port;
    }

    public long startMillis() {
        return startMillis;
    }

    /** Starts the stopped server again, empty, on the same port. */
    public synchronized void restart() {
        if (server == null) {
            server = new MongoServer(new MemoryBackend());
            server.bind(host(), port);
        }
    }

    public synchronized void stop() {
        if (server != null) {
            server.shutdownNow();
            server = null;
        }
    }

    @Override
    public void close() {
        stop();
    }
}
