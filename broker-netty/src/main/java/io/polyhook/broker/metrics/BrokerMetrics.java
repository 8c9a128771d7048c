package io.polyhook.broker.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.polyhook.broker.Version;
import io.polyhook.broker.config.BrokerConfig;
import io.polyhook.broker.session.SessionRegistry;
import io.polyhook.broker.sys.BrokerStats;
import io.polyhook.broker.transport.Transport;
import io.polyhook.core.hook.internal.HookRegistry;
import io.polyhook.core.hook.internal.LatencyBuckets;
import io.polyhook.core.script.internal.ScriptManager;
import io.polyhook.provider.authcache.AuthCache;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.ToDoubleFunction;

/**
 * The broker's meters, in Prometheus' conventions (units in the names, {@code _total} counters,
 * histograms for latencies, labels that survive a restart): hook calls, errors, timeouts and
 * latency per handler owner and hook point, connected clients, connections, sessions, messages
 * and bytes in and out, loaded scripts, auth-cache entries, {@code polyhook_build_info}, and the
 * JVM (memory, threads, garbage collection, classes, file descriptors, CPU, uptime).
 *
 * <p>Every meter reads a counter the broker keeps anyway (hook statistics, {@link BrokerStats},
 * the transport's channel group, the session map), so nothing is added to the hot path; the
 * values are collected when {@link #scrape()} is called.
 */
@Singleton
public final class BrokerMetrics implements AutoCloseable {

    /** The content type of {@link #scrape()}: the Prometheus text exposition format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final HookMeters hookMeters;
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final StoreMeters storeMeters; // null without a durable store

    /** Meters over the broker's own counters. */
    @Inject
    public BrokerMetrics(HookRegistry hooks, ScriptManager scripts, Transport transport, SessionRegistry sessions,
                         AuthCache authCache, BrokerStats stats, BrokerConfig config) {
        Gauge.builder("polyhook.build.info", () -> 1)
                .description("the broker's version and the Java runtime it runs on; always 1")
                .tags(Tags.of("version", Version.version(), "java_version", Runtime.version().toString()))
                .register(registry);
        Gauge.builder("polyhook.clients.connected", stats, BrokerStats::clientsConnected)
                .description("clients connected (admitted by CONNACK)").strongReference(true).register(registry);
        counter("polyhook.connections.refused", null, "connections refused by a connection limit", stats,
                BrokerStats::connectionsRefused);
        counter("polyhook.messages.received", null, "PUBLISH packets received from clients", stats,
                BrokerStats::messagesReceived);
        counter("polyhook.messages.sent", null, "PUBLISH packets sent to clients", stats, BrokerStats::messagesSent);
        counter("polyhook.messages.dropped", null, "messages dropped (full queues, expired or oversized)", stats,
                BrokerStats::messagesDropped);
        counter("polyhook.clients.slow.disconnected", null, "subscribers disconnected for staying behind", stats,
                BrokerStats::slowConsumersDisconnected);
        counter("polyhook.received", "bytes", "bytes read from client sockets", stats, BrokerStats::bytesReceived);
        counter("polyhook.sent", "bytes", "bytes written to client sockets", stats, BrokerStats::bytesSent);
        Gauge.builder("polyhook.connections", transport, Transport::connectionCount)
                .description("open MQTT connections (TCP and WebSocket)").strongReference(true).register(registry);
        Gauge.builder("polyhook.sessions", sessions, SessionRegistry::size)
                .description("sessions, online and offline").strongReference(true).register(registry);
        Gauge.builder("polyhook.queued.bytes", sessions, s -> s.queuedBytes().used())
                .description("bytes of messages in every session's queue, against broker.max_total_queued_bytes")
                .strongReference(true).register(registry);
        Gauge.builder("polyhook.scripts.loaded", scripts, s -> s.list().size())
                .description("scripts serving hooks").strongReference(true).register(registry);
        Gauge.builder("polyhook.auth.cache.entries", authCache, AuthCache::size)
                .description("clients with an auth cache entry").strongReference(true).register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        gc.bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        OriginLabels origins = new OriginLabels(scripts, Path.of(config.scripts().dir()));
        hookMeters = new HookMeters(hooks.statistics(), registry, origins::ofLoadedScripts);
        registry.getPrometheusRegistry().register(new HookLatencyHistograms(hooks.statistics(), origins::ofLoadedScripts));
        storeMeters = sessions.durable().enabled() ? new StoreMeters(sessions.durable().store(), registry) : null;
    }

    private void counter(String name, String unit, String description, BrokerStats stats,
                         ToDoubleFunction<BrokerStats> value) {
        // The broker keeps the stats object alive; the registry may hold it weakly.
        FunctionCounter.builder(name, stats, value).description(description).baseUnit(unit).register(registry);
    }

    /**
     * A timer for a latency the broker measures itself, such as the durable store's, published as a
     * Prometheus histogram ({@code <name>_seconds_bucket}, {@code _sum}, {@code _count}) with the
     * buckets of the hook latencies ({@link LatencyBuckets#UPPER_BOUNDS_SECONDS}), so that every
     * latency of the broker reads and adds up alike.
     */
    public static Timer latencyTimer(MeterRegistry registry, String name, String description, Tags tags) {
        Duration[] buckets = LatencyBuckets.UPPER_BOUNDS_SECONDS.stream()
                .map(s -> Duration.ofNanos(Math.round(s * 1_000_000_000L))).toArray(Duration[]::new);
        return Timer.builder(name).description(description).tags(tags).serviceLevelObjectives(buckets).register(registry);
    }

    /** The registry, for plugins or embedders that want to add meters of their own. */
    public MeterRegistry registry() {
        return registry;
    }

    /** Every meter in the Prometheus text format ({@link #CONTENT_TYPE}). */
    public String scrape() {
        hookMeters.refresh();
        if (storeMeters != null) {
            storeMeters.refresh();
        }
        return registry.scrape();
    }

    /** Stops listening for garbage collections and closes the registry. */
    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
