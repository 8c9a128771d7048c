package io.polyhook.it;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import io.polyhook.broker.PolyhookBroker;
import io.polyhook.broker.config.BrokerConfig;
import io.polyhook.broker.config.BrokerSettings;
import io.polyhook.broker.config.ListenerConfig;
import io.polyhook.broker.config.NoMatch;
import io.polyhook.broker.config.ScriptsConfig;
import io.polyhook.broker.config.PersistenceSettings;
import io.polyhook.spi.Plugin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * An embedded broker on 127.0.0.1 with ephemeral TCP and WebSocket ports, plus client factories.
 * Closing it disconnects the clients it made, then stops the broker.
 */
final class TestBroker implements AutoCloseable {

    final PolyhookBroker broker;
    private final List<Runnable> cleanups = new ArrayList<>();

    private TestBroker(PolyhookBroker broker) {
        this.broker = broker;
    }

    /** An empty scripts directory, so that tests without scripts load none and warn about nothing. */
    private static final Path NO_SCRIPTS = Path.of("target", "no-scripts");

    static BrokerConfig localConfig() {
        try {
            Files.createDirectories(NO_SCRIPTS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        BrokerConfig defaults = BrokerConfig.defaults();
        // No $SYS unless a test asks for it: its retained topics would show in every retained count.
        // Anonymous clients are admitted (tests connect without credentials unless they switch it
        // off); broker.no_match is left unset: a hook with handlers that all say next denies, a
        // hook without handlers allows.
        return defaults.withBroker(defaults.broker().withSys(Duration.ZERO, defaults.broker().nodeName())
                        .withAllowAnonymous(true).withNoMatch(NoMatch.DENY_WHEN_HANDLED))
                .withListeners(List.of(
                        ListenerConfig.of(ListenerConfig.Kind.TCP, "127.0.0.1", 0),
                        ListenerConfig.of(ListenerConfig.Kind.WS, "127.0.0.1", 0)))
                .withScripts(new ScriptsConfig(NO_SCRIPTS.toString(), List.of(), 2, Duration.ofSeconds(5)));
    }

    static TestBroker start(Plugin... plugins) {
        return configured(c -> c, plugins);
    }

    static TestBroker configured(UnaryOperator<BrokerConfig> tweak, Plugin... plugins) {
        // The fake engine of core-api's tests stands in for Lua and JS: it takes .fake files only.
        BrokerConfig config = tweak.apply(localConfig());
        if (config.persistence().equals(PersistenceSettings.DEFAULT)) {
            // Unless a test asks for a store, none: parallel brokers must not share ./data.
            config = config.withPersistence(PersistenceSettings.DISABLED);
        }
        PolyhookBroker.Builder b = PolyhookBroker.builder().config(config).discoverPlugins(false)
                .scriptEngine(new io.polyhook.core.script.fake.FakeEngine());
        for (Plugin p : plugins) {
            b.plugin(p);
        }
        return new TestBroker(b.start());
    }

    /** A broker on {@code store} instead of the one its config names (a store that outlives it: a restart). */
    static TestBroker onStore(io.polyhook.broker.store.BrokerStore store) {
        return new TestBroker(PolyhookBroker.builder().config(localConfig().withPersistence(PersistenceSettings.DISABLED))
                .discoverPlugins(false).store(store).start());
    }

    /** Client factories for a broker started elsewhere; closing closes the clients and the broker. */
    static TestBroker wrap(PolyhookBroker broker) {
        return new TestBroker(broker);
    }

    static UnaryOperator<BrokerConfig> broker(UnaryOperator<BrokerSettings> change) {
        return c -> c.withBroker(change.apply(c.broker()));
    }

    int port() {
        return broker.boundPort("tcp");
    }

    int wsPort() {
        return broker.boundPort("ws");
    }

    Mqtt5ClientBuilder v5Builder(String id) {
        return MqttClient.builder().useMqttVersion5().identifier(id).serverHost("127.0.0.1").serverPort(port());
    }

    /** A connected MQTT 5 client (clean start). */
    Mqtt5BlockingClient v5(String id) {
        Mqtt5BlockingClient c = v5Builder(id).buildBlocking();
        c.connect();
        track(c);
        return c;
    }

    /** A not yet connected MQTT 5 client. */
    Mqtt5BlockingClient v5Unconnected(String id) {
        Mqtt5BlockingClient c = v5Builder(id).buildBlocking();
        track(c);
        return c;
    }

    /** A connected MQTT 3.1.1 client (clean session). */
    Mqtt3BlockingClient v3(String id) {
        Mqtt3BlockingClient c = v3Unconnected(id);
        c.connect();
        return c;
    }

    Mqtt3BlockingClient v3Unconnected(String id) {
        Mqtt3BlockingClient c = MqttClient.builder().useMqttVersion3().identifier(id).serverHost("127.0.0.1")
                .serverPort(port()).buildBlocking();
        cleanups.add(() -> {
            if (c.getState().isConnected()) {
                c.disconnect();
            }
        });
        return c;
    }

    void track(Mqtt5BlockingClient c) {
        cleanups.add(() -> {
            if (c.getState().isConnected()) {
                c.disconnect();
            }
        });
    }

    void onClose(Runnable r) {
        cleanups.add(r);
    }

    @Override
    public void close() {
        for (Runnable r : cleanups) {
            try {
                r.run();
            } catch (RuntimeException e) {
                // Already gone: nothing to clean.
            }
        }
        broker.close();
    }
}
