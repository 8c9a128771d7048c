package io.polyhook.broker.admin;

import com.google.inject.Injector;
import com.sun.net.httpserver.HttpServer;
import io.polyhook.broker.metrics.BrokerMetrics;
import io.polyhook.core.hook.HookRegistry;
import io.polyhook.core.script.ScriptManager;
import io.polyhook.provider.authcache.AuthCache;
import io.polyhook.spi.Plugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The HTTP admin API and {@code /metrics}, on {@code admin.address}. It has no authentication:
 * whoever reaches the port can load scripts, so it should only ever listen on the loopback
 * interface or a trusted management network.
 *
 * <p>Endpoints (JSON unless noted): {@code GET /api/scripts}, {@code POST /api/scripts/load},
 * {@code /reload}, {@code /unload} ({@code {"path": ...}}), {@code GET /api/scripts/stats},
 * {@code GET /api/plugins}, {@code GET /api/auth-cache}, {@code POST /api/auth-cache/invalidate},
 * {@code GET /metrics} (Prometheus text). Errors answer 4xx with {@code {"error": "..."}}.
 */
public final class AdminServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);

    private final HttpServer server;
    private final ExecutorService executor;

    private AdminServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Binds {@code host:port} ({@code port} 0: any free port) and starts serving the broker that
     * {@code injector} wires.
     *
     * @param plugins the started Java plugins, read on each request
     * @throws UncheckedIOException if the address cannot be bound
     */
    public static AdminServer start(String host, int port, Injector injector, Supplier<List<Plugin>> plugins) {
        Router router = new Router();
        new ScriptsEndpoint(injector.getInstance(ScriptManager.class)).routes(router);
        new PluginsEndpoint(injector.getInstance(HookRegistry.class), plugins).routes(router);
        new AuthCacheEndpoint(injector.getInstance(AuthCache.class)).routes(router);
        BrokerMetrics metrics = injector.getInstance(BrokerMetrics.class);
        router.get("/metrics", r -> new Endpoint.PlainText(BrokerMetrics.CONTENT_TYPE, metrics.scrape()));
        router.get("/api", r -> Map.of("endpoints", List.of("GET /api/scripts", "POST /api/scripts/load",
                "POST /api/scripts/reload", "POST /api/scripts/unload", "GET /api/scripts/stats", "GET /api/plugins",
                "GET /api/auth-cache", "POST /api/auth-cache/invalidate", "GET /metrics")));
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind the admin API to " + host + ":" + port + ": " + e.getMessage(), e);
        }
        server.createContext("/", router);
        // Handlers may block (a script load runs the file); virtual threads make that free.
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.start();
        AdminServer admin = new AdminServer(server, executor);
        String shown = (host.contains(":") ? "[" + host + "]" : host) + ":" + admin.port();
        if (server.getAddress().getAddress().isLoopbackAddress()) {
            LOG.info("admin API and /metrics on http://{} (no authentication: keep it on a trusted interface)", shown);
        } else {
            LOG.warn("admin API and /metrics on http://{}, which is not a loopback address: the API has no"
                    + " authentication, and whoever reaches it can load scripts", shown);
        }
        return admin;
    }

    /** The bound port. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Stops accepting requests and waits briefly for those in progress. */
    @Override
    public void close() {
        server.stop(1);
        executor.shutdownNow();
    }
}
