package io.polyhook.it;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.polyhook.broker.config.BrokerConfig;
import io.polyhook.broker.config.PersistenceSettings;
import io.polyhook.broker.config.SyncMode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;

/** What the persistence tests start their brokers with, set up in them, and read from them. */
final class PersistenceFixtures {

    private PersistenceFixtures() {
    }

    /** The store in {@code dir} with {@code sync}, batched for 10 ms. */
    static UnaryOperator<BrokerConfig> storeIn(Path dir, SyncMode sync) {
        return c -> c.withPersistence(new PersistenceSettings(true, dir, sync, Duration.ofMillis(10)));
    }

    /**
     * A broker started from a config file: anonymous clients, TCP and the admin API on ephemeral
     * ports, and persistence (on by default with a file) in {@code dir}.
     */
    static TestBroker fromConfigFile(Path dir) {
        String yaml = """
                broker: { allow_anonymous: true }
                listeners: [{ type: tcp, address: "127.0.0.1:0" }]
                admin: { address: "127.0.0.1:0" }
                persistence: { dir: "%s" }
                """.formatted(dir.toString().replace("\\", "/"));
        return TestBroker.configured(c -> BrokerConfig.parse(yaml));
    }

    /** A persistent session (an hour's expiry) of {@code id}, subscribed to {@code filter} at {@code qos}, offline. */
    static void subscribeAndLeave(TestBroker broker, String id, String filter, MqttQos qos) {
        Mqtt5BlockingClient c = broker.v5Unconnected(id);
        c.connectWith().cleanStart(true).sessionExpiryInterval(3600).send();
        c.subscribeWith().topicFilter(filter).qos(qos).send();
        c.disconnect();
    }

    /** The broker's {@code /metrics} page (its admin API must listen). */
    static String metrics(TestBroker broker) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + broker.broker.adminPort() + "/metrics")).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The store's commits so far, from the broker's {@code /metrics}. */
    static long storeWrites(TestBroker broker) throws IOException, InterruptedException {
        return metrics(broker).lines().filter(l -> l.startsWith("polyhook_store_write_latency_seconds_count "))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.indexOf(' ') + 1))).findFirst().orElseThrow();
    }
}
