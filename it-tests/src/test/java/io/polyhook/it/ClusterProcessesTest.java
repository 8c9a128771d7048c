package io.polyhook.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.lifecycle.MqttClientDisconnectedContext;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
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

    @TempDir
    Path dir;

    @Test
    void threeProcessesDeliverAcrossNodesAndSurviveAKilledNode() throws Exception {
        try (ProcessCluster cluster = new ProcessCluster(dir)) {
            BrokerProcess node1 = cluster.start("node1", List.of());
            BrokerProcess node2 = cluster.start("node2", List.of(node1.jgroupsPort()));
            BrokerProcess node3 = cluster.start("node3", List.of(node1.jgroupsPort(), node2.jgroupsPort()));
            for (BrokerProcess n : List.of(node1, node2, node3)) {
                System.out.println(n.name + " joined in " + n.joinMillis() + " ms");
            }
            cluster.await("node2 sees three members", () -> cluster.members(node2) == 3);

            Mqtt5BlockingClient sub = cluster.connect(node2, "proc-sub", false);
            try (var in = sub.publishes(MqttGlobalPublishFilter.ALL)) {
                sub.subscribeWith().topicFilter("proc/#").qos(MqttQos.AT_LEAST_ONCE).send();
                cluster.await("node1 has node2's route", () -> cluster.routes(node1, "node2") >= 1);
                Mqtt5BlockingClient pub = cluster.connect(node1, "proc-pub", false);
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
                    .serverHost("127.0.0.1").serverPort(node1.mqttPort()).addDisconnectedListener(lost::complete)
                    .buildBlocking();
            survivor.connect();
            survivor.subscribeWith().topicFilter("back/#").qos(MqttQos.AT_LEAST_ONCE).send();
            cluster.await("node2 has node1's route", () -> cluster.routes(node2, "node1") >= 1);

            node1.kill();
            lost.get(60, TimeUnit.SECONDS);
            cluster.await("node2 counts node1 missing and purged its routes", () -> {
                JsonNode s = cluster.status(node2);
                return s.path("missing").toString().contains("node1") && !s.path("routes").has("node1");
            });
            Mqtt5BlockingClient again = cluster.connect(node3, "survivor", false);
            try (var in = again.publishes(MqttGlobalPublishFilter.ALL)) {
                again.subscribeWith().topicFilter("back/#").qos(MqttQos.AT_LEAST_ONCE).send();
                cluster.await("node2 has node3's route", () -> cluster.routes(node2, "node3") >= 1);
                cluster.connect(node2, "back-pub", false).publishWith().topic("back/x").qos(MqttQos.AT_LEAST_ONCE)
                        .payload(bytes("still here")).send();
                assertThat(text(in.receive(60, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes())).isEqualTo("still here");
            }
        }
    }
}
