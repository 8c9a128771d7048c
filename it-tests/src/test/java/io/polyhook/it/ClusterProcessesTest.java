package io.polyhook.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.lifecycle.MqttClientDisconnectedContext;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.polyhook.it.PublishSubscribeTest.bytes;
import static io.polyhook.it.PublishSubscribeTest.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three broker processes ({@code polyhook run --config}) on 127.0.0.1 form a cluster: messages
 * cross processes, and when one is killed with {@code kill -9} its routes are purged and its
 * clients reconnect to another node and go on.
 */
class ClusterProcessesTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void threeProcessesDeliverAcrossNodesAndSurviveAKilledNode() throws Exception {
        List<BrokerProcess> nodes = new ArrayList<>();
        List<Mqtt5BlockingClient> clients = new ArrayList<>();
        try {
            nodes.add(BrokerProcess.start(dir, "node1", List.of()));
            int seed1 = nodes.get(0).jgroupsPort();
            nodes.add(BrokerProcess.start(dir, "node2", List.of(seed1)));
            int seed2 = nodes.get(1).jgroupsPort();
            nodes.add(BrokerProcess.start(dir, "node3", List.of(seed1, seed2)));
            for (BrokerProcess n : nodes) {
                System.out.println(n.name + " joined in " + n.joinMillis() + " ms");
            }
            BrokerCluster.await("node2 sees three members", () -> status(nodes.get(1)).path("members").size() == 3);

            Mqtt5BlockingClient sub = client(nodes.get(1), "proc-sub", clients);
            try (var in = sub.publishes(MqttGlobalPublishFilter.ALL)) {
                sub.subscribeWith().topicFilter("proc/#").qos(MqttQos.AT_LEAST_ONCE).send();
                BrokerCluster.await("node1 has node2's route", () -> status(nodes.get(0)).path("routes").path("node2").asInt() >= 1);
                Mqtt5BlockingClient pub = client(nodes.get(0), "proc-pub", clients);
                for (int i = 0; i < 10; i++) {
                    pub.publishWith().topic("proc/a").qos(MqttQos.AT_LEAST_ONCE).payload(bytes(Integer.toString(i))).send();
                }
                for (int i = 0; i < 10; i++) {
                    assertThat(text(in.receive(60, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes()))
                            .isEqualTo(Integer.toString(i));
                }
            }

            // A client of node1 that loses its node reconnects to node3 and goes on there.
            CompletableFuture<MqttClientDisconnectedContext> lost = new CompletableFuture<>();
            Mqtt5BlockingClient survivor = MqttClient.builder().useMqttVersion5().identifier("survivor")
                    .serverHost("127.0.0.1").serverPort(nodes.get(0).mqttPort()).addDisconnectedListener(lost::complete)
                    .buildBlocking();
            survivor.connect();
            survivor.subscribeWith().topicFilter("back/#").qos(MqttQos.AT_LEAST_ONCE).send();
            BrokerCluster.await("node2 has node1's route", () -> status(nodes.get(1)).path("routes").path("node1").asInt() >= 1);

            nodes.get(0).kill();
            lost.get(60, TimeUnit.SECONDS);
            BrokerCluster.await("node2 counts node1 missing and purged its routes", () -> {
                JsonNode s = status(nodes.get(1));
                return s.path("missing").toString().contains("node1") && !s.path("routes").has("node1");
            });
            Mqtt5BlockingClient again = client(nodes.get(2), "survivor", clients);
            try (var in = again.publishes(MqttGlobalPublishFilter.ALL)) {
                again.subscribeWith().topicFilter("back/#").qos(MqttQos.AT_LEAST_ONCE).send();
                BrokerCluster.await("node2 has node3's route", () -> status(nodes.get(1)).path("routes").path("node3").asInt() >= 1);
                client(nodes.get(1), "back-pub", clients).publishWith().topic("back/x").qos(MqttQos.AT_LEAST_ONCE)
                        .payload(bytes("still here")).send();
                assertThat(text(in.receive(60, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes())).isEqualTo("still here");
            }
        } finally {
            for (Mqtt5BlockingClient c : clients) {
                try {
                    c.disconnect();
                } catch (RuntimeException e) {
                    // Its node is gone.
                }
            }
            for (BrokerProcess n : nodes) {
                n.close();
            }
        }
    }

    private static Mqtt5BlockingClient client(BrokerProcess node, String id, List<Mqtt5BlockingClient> clients)
            throws Exception {
        Mqtt5BlockingClient c = MqttClient.builder().useMqttVersion5().identifier(id).serverHost("127.0.0.1")
                .serverPort(node.mqttPort()).buildBlocking();
        c.connect();
        clients.add(c);
        return c;
    }

    private static JsonNode status(BrokerProcess node) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.adminPort()
                    + "/api/v1/cluster")).build(), HttpResponse.BodyHandlers.ofString());
            return new ObjectMapper().readTree(r.body());
        } catch (Exception e) {
            throw new AssertionError("admin API of " + node.name + ": " + e, e);
        }
    }
}
