package io.polyhook.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Broker processes of one cluster on 127.0.0.1 ({@link BrokerProcess}) and the MQTT clients a
 * test made to them. Closing it disconnects the clients, then stops every process still running.
 * A wait that runs out says what each node logged last, so that a failure on a loaded machine can
 * be read without running it again.
 */
final class ProcessCluster implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int LOG_LINES = 80;

    private final Path dir;
    private final List<BrokerProcess> nodes = new ArrayList<>();
    private final List<Mqtt5BlockingClient> clients = new ArrayList<>();

    /** Processes whose config files (and default stores) go to {@code dir}. */
    ProcessCluster(Path dir) {
        this.dir = dir;
    }

    /** Starts node {@code name} with the JGroups ports {@code seeds}, persistence off. */
    BrokerProcess start(String name, List<Integer> seeds) throws IOException {
        return start(name, seeds, null);
    }

    /** Starts node {@code name} with the JGroups ports {@code seeds} and its durable store in {@code store}. */
    BrokerProcess start(String name, List<Integer> seeds, Path store) throws IOException {
        return start(name, seeds, store, "");
    }

    /** As {@link #start(String, List, Path)}, with {@code moreConfig} (top-level YAML lines) in its config file. */
    BrokerProcess start(String name, List<Integer> seeds, Path store, String moreConfig) throws IOException {
        BrokerProcess node = BrokerProcess.start(dir, name, seeds, store, moreConfig);
        nodes.add(node);
        return node;
    }

    /**
     * A client of {@code node} named {@code id}, connected with a clean start; {@code persistent}:
     * its session outlives the connection (expiry one hour).
     */
    Mqtt5BlockingClient connect(BrokerProcess node, String id, boolean persistent) throws Exception {
        Mqtt5BlockingClient c = client(node, id);
        c.connectWith().cleanStart(true).sessionExpiryInterval(persistent ? 3600 : 0).send();
        return c;
    }

    /** A client of {@code node} named {@code id}, not connected yet; disconnected when this closes. */
    Mqtt5BlockingClient client(BrokerProcess node, String id) throws Exception {
        Mqtt5BlockingClient c = MqttClient.builder().useMqttVersion5().identifier(id).serverHost("127.0.0.1")
                .serverPort(node.mqttPort()).buildBlocking();
        clients.add(c);
        return c;
    }

    /** {@code GET /api/v1/cluster} of {@code node}. */
    JsonNode status(BrokerProcess node) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.adminPort()
                    + "/api/v1/cluster")).build(), HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(r.body());
        } catch (Exception e) {
            throw new AssertionError("admin API of " + node.name + ": " + e, e);
        }
    }

    /** How many members {@code node}'s view has. */
    int members(BrokerProcess node) {
        return status(node).path("members").size();
    }

    /** How many routes of node {@code of} {@code node} holds. */
    int routes(BrokerProcess node, String of) {
        return status(node).path("routes").path(of).asInt();
    }

    /** {@link BrokerCluster#await}, failing with the last lines each node logged. */
    void await(String what, BooleanSupplier condition) {
        try {
            BrokerCluster.await(what, condition);
        } catch (AssertionError e) {
            StringBuilder logs = new StringBuilder(e.getMessage());
            for (BrokerProcess n : nodes) {
                List<String> lines = n.log().lines().toList();
                logs.append("\n--- last lines of ").append(n.name).append(" ---\n")
                        .append(String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_LINES), lines.size())));
            }
            throw new AssertionError(logs.toString(), e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (Mqtt5BlockingClient c : clients) {
            try {
                if (c.getState().isConnected()) {
                    c.disconnect();
                }
            } catch (RuntimeException e) {
                // Its node is gone.
            }
        }
        for (BrokerProcess n : nodes) {
            n.close();
        }
    }
}
