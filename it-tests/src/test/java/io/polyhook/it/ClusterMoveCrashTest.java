package io.polyhook.it;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.polyhook.it.NumberedMessages.numbers;
import static io.polyhook.it.PublishSubscribeTest.bytes;
import static io.polyhook.it.PublishSubscribeTest.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three broker processes with durable stores; a persistent session's stored queue of several pages
 * moves from node1 to node2 for a takeover, and node2 is killed with {@code kill -9} while it is
 * still asking for pages (its copy is marked incomplete). node1 keeps the session as soon as
 * node2 leaves the view; after node2's restart on the same data directory, the client connects
 * to it again: every message the publisher had acknowledged comes, QoS 2 ones exactly once,
 * QoS 1 ones at least once.
 */
class ClusterMoveCrashTest {

    /**
     * Within the default offline queue bounds (1,000 messages, 16 MiB), and about seven pages of
     * 1 MiB: the kill comes when node2 asks for the second, long before the last.
     */
    private static final int QUEUED = 900;
    private static final String PADDING = " " + "x".repeat(8 * 1024);
    private static final String ASKING = "asking node1 for the next page of transfer";

    @TempDir
    Path dir;

    @Test
    void aNewOwnerKilledWhileTheQueueMovesInPagesLosesNothingAcknowledged() throws Exception {
        try (ProcessCluster cluster = new ProcessCluster(dir)) {
            BrokerProcess node1 = cluster.start("node1", List.of(), dir.resolve("data1"));
            String pageLog = """
                    logging:
                      level: { io.polyhook.cluster.infinispan.internal.Transfers: debug }
                    """;
            BrokerProcess node2 = cluster.start("node2", List.of(node1.jgroupsPort()), dir.resolve("data2"), pageLog);
            // A third node keeps node1 on the majority side when node2 crashes: there the owner registry answers.
            cluster.start("node3", List.of(node1.jgroupsPort()), dir.resolve("data3"));
            cluster.await("node1 sees three members", () -> cluster.members(node1) == 3);

            Mqtt5BlockingClient sub = cluster.connect(node1, "mover", true);
            sub.subscribeWith().topicFilter("mv/#").qos(MqttQos.EXACTLY_ONCE).send();
            sub.disconnect();
            publish(cluster, node1, QUEUED);

            // The takeover on node2: it answers the CONNECT only once it holds the whole queue.
            Mqtt5AsyncClient first = cluster.client(node2, "mover").toAsync();
            first.connectWith().cleanStart(false).sessionExpiryInterval(3600).send();
            cluster.await("node2 is reading the queue in pages", () -> node2.log().contains(ASKING));
            node2.kill();
            // node1 notices the crash (failure detection, seconds) before node2 is back (a restart takes longer).
            cluster.await("node1 keeps the session node2 crashed with", () -> node1.log()
                    .contains("moving mover to node2 was given up (node2 left the view); it stays on this node"));

            BrokerProcess back = cluster.start("node2", List.of(node1.jgroupsPort()), dir.resolve("data2"));
            back.mqttPort();   // recovery is done
            assertThat(back.log()).as("the partial copy is dropped at the restart")
                    .contains("was still moving here when this node stopped: its partial copy is dropped");
            cluster.await("node1 sees node2 again", () -> cluster.members(node1) == 3);

            Mqtt5BlockingClient again = cluster.client(back, "mover");
            try (var in = again.publishes(MqttGlobalPublishFilter.ALL)) {
                // node1 keeps the session once it gives the move up; until then the CONNECT may be refused.
                boolean[] present = new boolean[1];
                cluster.await("node2 takes the session over", () -> {
                    try {
                        present[0] = again.connectWith().cleanStart(false).sessionExpiryInterval(3600).send()
                                .isSessionPresent();
                        return true;
                    } catch (Mqtt5ConnAckException refused) {
                        return false;
                    }
                });
                assertThat(present[0]).as("session present").isTrue();
                Map<String, Integer> got = new HashMap<>();
                Optional<Mqtt5Publish> p;
                while (got.size() < QUEUED && (p = in.receive(60, TimeUnit.SECONDS)).isPresent()) {
                    got.merge(number(p.get()), 1, Integer::sum);
                }
                while ((p = in.receive(2, TimeUnit.SECONDS)).isPresent()) {
                    got.merge(number(p.get()), 1, Integer::sum);
                }
                assertThat(got.keySet()).as("every acknowledged message").containsExactlyInAnyOrderElementsOf(
                        numbers(0, QUEUED));
                assertThat(got).as("QoS 2 messages (odd numbers) exactly once")
                        .allSatisfy((n, times) -> assertThat(Integer.parseInt(n) % 2 == 0 || times == 1).as(n).isTrue());
            }
        }
    }

    private static String number(Mqtt5Publish p) {
        String payload = text(p.getPayloadAsBytes());
        return payload.substring(0, payload.indexOf(' '));
    }

    /**
     * Publishes {@code n} numbered messages (8 KiB each) on {@code mv/x} through {@code node}, even numbers at
     * QoS 1 and odd ones at QoS 2, without waiting for each acknowledgement, and returns once each
     * came.
     */
    private static void publish(ProcessCluster cluster, BrokerProcess node, int n) throws Exception {
        Mqtt5AsyncClient pub = cluster.connect(node, "mover-pub", false).toAsync();
        List<CompletableFuture<Mqtt5PublishResult>> acks = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            acks.add(pub.publishWith().topic("mv/x").qos(i % 2 == 0 ? MqttQos.AT_LEAST_ONCE : MqttQos.EXACTLY_ONCE)
                    .payload(bytes(i + PADDING)).send());
        }
        for (CompletableFuture<Mqtt5PublishResult> ack : acks) {
            assertThat(ack.get(180, TimeUnit.SECONDS).getError()).as("acknowledged").isEmpty();
        }
    }
}
