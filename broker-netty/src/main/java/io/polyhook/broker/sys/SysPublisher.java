package io.polyhook.broker.sys;

import io.polyhook.broker.config.BrokerSettings;
import io.polyhook.broker.routing.Message;
import io.polyhook.broker.routing.RetainedStore;
import io.polyhook.broker.routing.Router;
import io.polyhook.broker.routing.SubscriptionTree;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.MqttProperties;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Publishes the broker's statistics every {@code broker.sys_interval} as retained QoS 0 messages
 * under {@code $SYS/<node>/} in the default mountpoint, as if the broker itself published them:
 * a subscriber gets the latest values at once, and subscribing goes through
 * {@code auth_on_subscribe} like any other filter. Filters starting with a wildcard never match
 * {@code $SYS} topics (MQTT §4.7.2), so only clients that ask for {@code $SYS/...} see them.
 */
@Singleton
public final class SysPublisher implements AutoCloseable {

    private final BrokerSettings settings;
    private final BrokerStats stats;
    private final SessionCount sessions;
    private final SubscriptionTree tree;
    private final RetainedStore retained;
    private final Router router;
    private ScheduledExecutorService timer;

    @Inject
    SysPublisher(BrokerSettings settings, BrokerStats stats, SessionCount sessions, SubscriptionTree tree,
                 RetainedStore retained, Router router) {
        this.router = router;
        this.settings = settings;
        this.stats = stats;
        this.sessions = sessions;
        this.tree = tree;
        this.retained = retained;
    }

    /** Starts the periodic publication, unless {@code broker.sys_interval} is off. */
    public synchronized void start() {
        long millis = settings.sysInterval().toMillis();
        if (millis <= 0 || timer != null) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "polyhook-sys");
            t.setDaemon(true);
            return t;
        });
        // Recovering: a periodic task that throws is never run again.
        timer.scheduleAtFixedRate(io.polyhook.broker.failure.ThreadFailures.recovering("$SYS publishing", this::publishNow),
                0, millis, TimeUnit.MILLISECONDS);
    }

    /** The current statistics by topic (below {@code $SYS/<node>/}). */
    public Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("clients/connected", stats.clientsConnected());
        m.put("clients/sessions", (long) sessions.size());
        m.put("clients/refused", stats.connectionsRefused());
        m.put("clients/slow_disconnected", stats.slowConsumersDisconnected());
        m.put("messages/received", stats.messagesReceived());
        m.put("messages/sent", stats.messagesSent());
        m.put("messages/dropped", stats.messagesDropped());
        m.put("bytes/received", stats.bytesReceived());
        m.put("bytes/sent", stats.bytesSent());
        m.put("subscriptions/count", (long) tree.totalSize());
        m.put("retained/count", (long) retained.totalSize());
        m.put("uptime", stats.uptimeSeconds());
        return m;
    }

    /** Publishes the statistics once. */
    void publishNow() {
        String prefix = "$SYS/" + settings.nodeName() + "/";
        for (Map.Entry<String, Long> e : snapshot().entrySet()) {
            Bytes payload = Bytes.wrap(Long.toString(e.getValue()).getBytes(StandardCharsets.US_ASCII));
            router.publish("", Message.of(prefix + e.getKey(), 0, payload, true, MqttProperties.EMPTY, null));
        }
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }
}
