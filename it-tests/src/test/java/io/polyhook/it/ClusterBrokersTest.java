package io.polyhook.it;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.lifecycle.MqttClientDisconnectedContext;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.polyhook.it.PublishSubscribeTest.bytes;
import static io.polyhook.it.PublishSubscribeTest.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three brokers in one JVM form one cluster; real MQTT clients on different nodes see one broker:
 * delivery at every QoS in publisher order, takeover across nodes with the queue, retained
 * messages and shared subscriptions.
 */
class ClusterBrokersTest {

    private static final int N = 20;
    private static BrokerCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = BrokerCluster.of(3);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(MqttQos.class)
    void aMessagePublishedOnOneNodeReachesASubscriberOnAnotherAtItsQosInOrder(MqttQos qos) throws Exception {
        String topic = "cross/" + qos.getCode();
        Mqtt5BlockingClient sub = cluster.v5(2, "cross-sub-" + qos.getCode());
        try (var in = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.subscribeWith().topicFilter(topic).qos(qos).send();
            cluster.awaitRoute(1, topic, 2);
            Mqtt5BlockingClient pub = cluster.v5(1, "cross-pub-" + qos.getCode());
            for (int i = 0; i < N; i++) {
                pub.publishWith().topic(topic).qos(qos).payload(bytes(Integer.toString(i))).send();
            }
            for (int i = 0; i < N; i++) {
                Mqtt5Publish p = in.receive(30, TimeUnit.SECONDS).orElseThrow();
                assertThat(text(p.getPayloadAsBytes())).isEqualTo(Integer.toString(i));
                assertThat(p.getQos()).isEqualTo(qos);
            }
        }
    }

    @Test
    void subscriptionOptionsApplyOnTheSubscribersNode() throws Exception {
        Mqtt5BlockingClient sub = cluster.v5(3, "options-sub");
        try (var in = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            // Subscription identifier 7 and retain-as-published; the message is QoS 2, the subscription QoS 1.
            sub.subscribeWith().topicFilter("opts/#").qos(MqttQos.AT_LEAST_ONCE).retainAsPublished(true)
                    .userProperties().add("k", "v").applyUserProperties().send();
            sub.subscribeWith().topicFilter("opts/id").qos(MqttQos.AT_LEAST_ONCE).send();
            cluster.awaitRoute(1, "opts/id", 3);
            cluster.v5(1, "options-pub").publishWith().topic("opts/id").qos(MqttQos.EXACTLY_ONCE).retain(true)
                    .payload(bytes("x")).send();
            Mqtt5Publish p = in.receive(30, TimeUnit.SECONDS).orElseThrow();
            assertThat(p.getQos()).as("min of published and subscribed QoS").isEqualTo(MqttQos.AT_LEAST_ONCE);
            assertThat(p.isRetain()).as("retain as published on the subscriber's node").isTrue();
            assertThat(in.receive(2, TimeUnit.SECONDS)).as("one copy for overlapping filters").isEmpty();
        }
        // Cleared so that the retained message does not reach later tests' wildcard subscriptions.
        cluster.v5(1, "options-clear").publishWith().topic("opts/id").retain(true).payload(new byte[0]).send();
    }

    @Test
    void aRetainedMessageIsVisibleFromEveryNode() throws Exception {
        cluster.v5(1, "retainer").publishWith().topic("kept/one").qos(MqttQos.AT_LEAST_ONCE).retain(true)
                .payload(bytes("stays")).send();
        BrokerCluster.await("every node holds the retained message",
                () -> cluster.nodes.stream().allMatch(n -> n.retainedCount("") >= 1));
        for (int node = 2; node <= 3; node++) {
            Mqtt5BlockingClient late = cluster.v5(node, "late-" + node);
            try (var in = late.publishes(MqttGlobalPublishFilter.ALL)) {
                late.subscribeWith().topicFilter("kept/+").qos(MqttQos.AT_LEAST_ONCE).send();
                Mqtt5Publish p = in.receive(30, TimeUnit.SECONDS).orElseThrow();
                assertThat(text(p.getPayloadAsBytes())).isEqualTo("stays");
                assertThat(p.isRetain()).isTrue();
            }
        }
        cluster.v5(2, "unretainer").publishWith().topic("kept/one").retain(true).payload(new byte[0]).send();
        BrokerCluster.await("the clear reached every node",
                () -> cluster.nodes.stream().allMatch(n -> n.retainedCount("") == 0));
    }

    @Test
    void connectingToAnotherNodeTakesTheSessionOverWith0x8E() throws Exception {
        CompletableFuture<MqttClientDisconnectedContext> gone = new CompletableFuture<>();
        Mqtt5BlockingClient first = cluster.track(cluster.builder(1, "roamer").addDisconnectedListener(gone::complete)
                .buildBlocking());
        first.connectWith().cleanStart(false).sessionExpiryInterval(300).send();
        first.subscribeWith().topicFilter("roam/#").qos(MqttQos.AT_LEAST_ONCE).send();

        Mqtt5BlockingClient second = cluster.track(cluster.builder(2, "roamer").buildBlocking());
        var ack = second.connectWith().cleanStart(false).sessionExpiryInterval(300).send();

        Throwable cause = gone.get(60, TimeUnit.SECONDS).getCause();
        assertThat(cause).isInstanceOf(Mqtt5DisconnectException.class);
        assertThat(((Mqtt5DisconnectException) cause).getMqttMessage().getReasonCode())
                .isEqualTo(Mqtt5DisconnectReasonCode.SESSION_TAKEN_OVER);
        assertThat(ack.isSessionPresent()).as("the session moved with its subscriptions").isTrue();
        try (var in = second.publishes(MqttGlobalPublishFilter.ALL)) {
            cluster.awaitRoute(3, "roam/x", 2);
            cluster.v5(3, "roam-pub").publishWith().topic("roam/x").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("here"))
                    .send();
            assertThat(text(in.receive(30, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes())).isEqualTo("here");
        }
        second.disconnect();
    }

    @Test
    void anOfflineSessionsQueueMovesToTheNodeTheClientReturnsToInOrder() throws Exception {
        Mqtt5BlockingClient away = cluster.track(cluster.builder(1, "traveller").buildBlocking());
        away.connectWith().cleanStart(false).sessionExpiryInterval(300).send();
        away.subscribeWith().topicFilter("trip").qos(MqttQos.EXACTLY_ONCE).send();
        away.disconnect();
        cluster.awaitRoute(3, "trip", 1);
        NumberedMessages.publish(cluster, 3, "trip", 0, N);
        // The queue is on node 1 once node 1 has them all; the client comes back on node 2.
        Mqtt5BlockingClient back = cluster.track(cluster.builder(2, "traveller").buildBlocking());
        List<String> got = new ArrayList<>();
        try (var in = back.publishes(MqttGlobalPublishFilter.ALL)) {
            BrokerCluster.await("node 1 queued every message", () -> cluster.node(1).queuedBytes() > 0 && queuedAll(N));
            var ack = back.connectWith().cleanStart(false).sessionExpiryInterval(300).send();
            assertThat(ack.isSessionPresent()).isTrue();
            for (int i = 0; i < N; i++) {
                got.add(text(in.receive(30, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes()));
            }
            assertThat(in.receive(2, TimeUnit.SECONDS)).as("nothing twice").isEmpty();
        }
        assertThat(got).containsExactlyElementsOf(NumberedMessages.numbers(0, N));
        assertThat(cluster.node(1).queuedBytes()).as("nothing left behind on the old node").isZero();
        back.disconnect();
    }

    @Test
    void messagesPublishedOnTheOldNodeWhileTheSessionMovesReachTheClientOnTheNewNode() throws Exception {
        PublishedWhileMoving.check(cluster, "flow", 1, 2);
    }

    @Test
    void aQos2MessageHalfwayThroughMovesAsItsPubrelAndIsNotDeliveredTwice() throws Exception {
        HalfwayQos2Move.check(cluster, "halfway", 1, 3, 2);
    }

    @Test
    void aScriptLoadedThroughOneNodesAdminApiWithAllNodesIsLoadedOnEveryNode() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("cluster-scripts");
        java.nio.file.Path script = java.nio.file.Files.writeString(dir.resolve("everywhere.lua"), "hooks = {}\n");
        var http = java.net.http.HttpClient.newHttpClient();
        var response = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                        + cluster.node(1).adminPort() + "/api/scripts/load"))
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"path\": \"" + script.toString().replace("\\", "/") + "\", \"all_nodes\": true}"))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"node1\"", "\"node2\"", "\"node3\"").doesNotContain("false");
        for (var node : cluster.nodes) {
            assertThat(node.scripts().list()).anyMatch(s -> s.path().endsWith("everywhere.lua"));
        }
        http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                        + cluster.node(2).adminPort() + "/api/scripts/unload"))
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"path\": \"" + script.toString().replace("\\", "/") + "\", \"all_nodes\": true}"))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        for (var node : cluster.nodes) {
            assertThat(node.scripts().list()).noneMatch(s -> s.path().endsWith("everywhere.lua"));
        }
    }

    private static boolean queuedAll(int n) {
        // queuedBytes grows by each message: enough that the last one is in (heapBytes >= 128 each).
        return cluster.node(1).queuedBytes() >= 128L * n;
    }

    @Test
    void aSharedGroupSpanningNodesGetsEachMessageOnce() throws Exception {
        List<Mqtt5BlockingClient.Mqtt5Publishes> streams = new ArrayList<>();
        for (int node = 2; node <= 3; node++) {
            Mqtt5BlockingClient member = cluster.v5(node, "worker-" + node);
            streams.add(member.publishes(MqttGlobalPublishFilter.ALL));
            member.subscribeWith().topicFilter("$share/workers/jobs").qos(MqttQos.AT_LEAST_ONCE).send();
        }
        cluster.awaitRoute(1, "jobs", 2);
        cluster.awaitRoute(1, "jobs", 3);
        // No member on node 1: prefer_local (the default) sends each message to one other node's member.
        Mqtt5BlockingClient pub = cluster.v5(1, "jobs-pub");
        for (int i = 0; i < N; i++) {
            pub.publishWith().topic("jobs").qos(MqttQos.AT_LEAST_ONCE).payload(bytes(Integer.toString(i))).send();
        }
        List<String> got = new ArrayList<>();
        BrokerCluster.await("every job arrived once", () -> {
            for (var s : streams) {
                try {
                    s.receive(10, TimeUnit.MILLISECONDS).ifPresent(p -> got.add(text(p.getPayloadAsBytes())));
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }
            return got.size() >= N;
        });
        for (var s : streams) {
            assertThat(s.receive(2, TimeUnit.SECONDS)).as("no copy").isEmpty();
            s.close();
        }
        assertThat(got).containsExactlyInAnyOrderElementsOf(
                java.util.stream.IntStream.range(0, N).mapToObj(Integer::toString).toList());
    }
}
