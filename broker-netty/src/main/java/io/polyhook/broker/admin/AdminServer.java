package io.polyhook.broker.admin;

import com.google.inject.Injector;
import com.sun.net.httpserver.HttpServer;
import io.polyhook.broker.config.AdminToken;
import io.polyhook.broker.config.BrokerConfig;
import io.polyhook.broker.config.ConfigException;
import io.polyhook.broker.failure.FatalErrorHandler;
import io.polyhook.broker.failure.ThreadFailures;
import io.polyhook.broker.metrics.BrokerMetrics;
import io.polyhook.core.hook.internal.HookRegistry;
import io.polyhook.core.script.internal.ScriptManager;
import io.polyhook.provider.authcache.AuthCache;
import io.polyhook.core.plugin.PluginInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The HTTP admin API and {@code /metrics}, on {@code admin.address}. Whoever may use it can load
 * scripts, that is run code in the broker: every request must name this API in its {@code Host}
 * header (no DNS rebinding) and, with {@code admin.token}, carry that bearer token, which is
 * required unless the API listens on a loopback address ({@link AccessCheck}).
 *
 * <p>Endpoints (JSON unless noted): {@code GET /api/scripts}, {@code POST /api/scripts/load},
 * {@code /reload}, {@code /unload} ({@code {"path": ...}}), {@code GET /api/scripts/stats},
 * {@code GET /api/plugins}, {@code GET /api/auth-cache}, {@code POST /api/auth-cache/invalidate},
 * {@code GET /api/v1/cluster},
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
     * @param plugins the Java plugins, read on each request
     * @throws UncheckedIOException if the address cannot be bound
     */
    public static AdminServer start(String host, int port, Injector injector, Supplier<List<PluginInfo>> plugins) {
        Optional<AdminToken> token = injector.getInstance(BrokerConfig.class).adminToken();
        FatalErrorHandler fatal = injector.getInstance(FatalErrorHandler.class);
        InetSocketAddress at = new InetSocketAddress(host, port);
        if (!at.isUnresolved() && !at.getAddress().isLoopbackAddress() && token.isEmpty()) {
            throw new ConfigException("admin.token", "is required when the admin API listens on " + host
                    + ", which is not a loopback address");
        }
        Router router = new Router();
        io.polyhook.broker.cluster.Cluster cluster = injector.getInstance(io.polyhook.broker.cluster.Cluster.class);
        new ScriptsEndpoint(injector.getInstance(ScriptManager.class), cluster).routes(router);
        new PluginsEndpoint(injector.getInstance(HookRegistry.class), plugins).routes(router);
        new AuthCacheEndpoint(injector.getInstance(AuthCache.class), cluster).routes(router);
        new ClusterEndpoint(cluster).routes(router);
        BrokerMetrics metrics = injector.getInstance(BrokerMetrics.class);
        router.get("/metrics", r -> new Endpoint.PlainText(BrokerMetrics.CONTENT_TYPE, metrics.scrape()));
        router.get("/api", r -> Map.of("endpoints", List.of("GET /api/scripts", "POST /api/scripts/load",
                "POST /api/scripts/reload", "POST /api/scripts/unload", "GET /api/scripts/stats", "GET /api/plugins",
                "GET /api/auth-cache", "POST /api/auth-cache/invalidate", "GET /api/v1/cluster", "GET /metrics")));
        HttpServer server;
        try {
            server = HttpServer.create(at, 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind the admin API to " + host + ":" + port + ": " + e.getMessage(), e);
        }
        router.access(new AccessCheck(host, server.getAddress(), token));
        server.createContext("/", router);
        Thread.UncaughtExceptionHandler uncaught = ThreadFailures.uncaught(fatal);
        // Handlers may block (a script load runs the file); virtual threads make that free. A request
        // that fails answers 500 (Router); a thread that still dies of an Error is fatal.
        ExecutorService executor = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("polyhook-admin-", 0).uncaughtExceptionHandler(uncaught).factory());
        server.setExecutor(executor);
        startInGroup(server, uncaught);
        AdminServer admin = new AdminServer(server, executor);
        String shown = (host.contains(":") ? "[" + host + "]" : host) + ":" + admin.port();
        if (token.isPresent()) {
            LOG.info("admin API and /metrics on http://{} (bearer token required)", shown);
        } else {
            LOG.info("admin API and /metrics on http://{} (loopback only, no token: set admin.token to require one)", shown);
        }
        return admin;
    }

    /**
     * Starts {@code server} from a thread of a group of ours: the JDK's dispatcher thread, which
     * accepts every connection, joins that group, so an Error that ends it reaches
     * {@code uncaught} (fatal) instead of leaving an API that no longer answers.
     */
    private static void startInGroup(HttpServer server, Thread.UncaughtExceptionHandler uncaught) {
        ThreadGroup group = new ThreadGroup("polyhook-admin") {
            @Override
            public void uncaughtException(Thread t, Throwable e) {
                uncaught.uncaughtException(t, e);
            }
        };
        RuntimeException[] failed = new RuntimeException[1];
        Thread starter = new Thread(group, () -> {
            try {
                server.start();
            } catch (RuntimeException e) {
                failed[0] = e;
            }
        }, "polyhook-admin-start");
        starter.start();
        try {
            starter.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.stop(0);
            throw new IllegalStateException("interrupted while starting the admin API", e);
        }
        if (failed[0] != null) {
            throw failed[0];
        }
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
