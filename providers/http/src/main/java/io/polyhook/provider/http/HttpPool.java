package io.polyhook.provider.http;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * One named HTTP pool: a {@link HttpClient} with the pool's connect timeout, and permits for
 * {@code size} requests at a time (the client itself keeps and reuses connections).
 * Thread-safe; lives in the node's pool registry until the broker stops.
 */
final class HttpPool implements AutoCloseable {

    private final PoolSettings settings;
    private final HttpClient client;
    private final Semaphore permits;

    HttpPool(PoolSettings settings) {
        this.settings = settings;
        // HTTP/1.1 as vmq_diversity's client speaks it: no h2c upgrade attempt on plain http,
        // which some servers mishandle. No redirects followed, as there.
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(settings.connectTimeout())
                .build();
        this.permits = new Semaphore(settings.size(), true);
    }

    PoolSettings settings() {
        return settings;
    }

    /**
     * Sends the request with the pool's request timeout, waiting up to that timeout for one of
     * the pool's {@code size} permits.
     *
     * @throws PoolBusyException if no permit came free in time
     * @throws IOException if the request failed in transport: refused, timed out, reset
     */
    HttpResponse<byte[]> send(HttpRequest.Builder request) throws IOException, InterruptedException, PoolBusyException {
        if (!permits.tryAcquire(settings.requestTimeout().toNanos(), TimeUnit.NANOSECONDS)) {
            throw new PoolBusyException();
        }
        try {
            return client.send(request.timeout(settings.requestTimeout()).build(), HttpResponse.BodyHandlers.ofByteArray());
        } finally {
            permits.release();
        }
    }

    /** Stops the client at once: the broker is stopping, and pending requests fail. */
    @Override
    public void close() {
        client.shutdownNow();
    }

    /** Every permit of the pool stayed taken for a whole request timeout. */
    static final class PoolBusyException extends Exception {
        PoolBusyException() {
            super(null, null, false, false);
        }
    }
}
