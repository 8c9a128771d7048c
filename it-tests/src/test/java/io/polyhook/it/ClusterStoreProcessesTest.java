package io.polyhook.it;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static io.polyhook.it.PersistenceRestartTest.receive;
import static io.polyhook.it.PublishSubscribeTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three broker processes, each with its durable store, and one killed with {@code kill -9} while
 * the third is still joining: the two left go on registering clients (they are the majority), a
 * stored session of the killed node comes back with it, and one whose client went to another
 * node meanwhile is dropped as stale (the owner epoch moved on) instead of being delivered again.
 */
class ClusterStoreProcessesTest {

    @TempDir
    Path dir;

    @Test
    void aKilledNodesStoredSessionsComeBackWithItAndOneTakenElsewhereMeanwhileIsDropped() throws Exception {
        try (ProcessCluster cluster = new ProcessCluster(dir)) {
            BrokerProcess node1 = cluster.start("node1", List.of(), dir.resolve("data1"));
            BrokerProcess node2 = cluster.start("node2", List.of(node1.jgroupsPort()), dir.resolve("data2"));
            for (String id : List.of("kept", "moved")) {
                Mqtt5BlockingClient c = cluster.connect(node1, id, true);
                c.subscribeWith().topicFilter(id + "/#").qos(MqttQos.AT_LEAST_ONCE).send();
                c.disconnect();
            }
            Mqtt5BlockingClient pub = cluster.connect(node1, "crash-pub", true);
            for (int i = 0; i < 20; i++) {
                pub.publishWith().topic("kept/x").qos(MqttQos.AT_LEAST_ONCE).payload(bytes(Integer.toString(i))).send();
                pub.publishWith().topic("moved/x").qos(MqttQos.AT_LEAST_ONCE).payload(bytes(Integer.toString(i))).send();
            }

            // Three: the two that stay are the majority, where registering goes on (docs/clustering.md, netsplits).
            // node1 is killed as soon as the view has node3, most likely before node3's caches have joined: the
            // owner cache then counts only node1 and node2 as stable, and must not stay refusing after the crash.
            BrokerProcess node3 = cluster.start("node3", List.of(node1.jgroupsPort(), node2.jgroupsPort()),
                    dir.resolve("data3"));
            cluster.await("node2 sees three members", () -> cluster.members(node2) == 3);
            node1.kill();
            cluster.await("node2 sees node1 gone", () -> cluster.members(node2) == 2);

            // The client of the crashed node's session goes elsewhere: a fresh session there.
            Mqtt5BlockingClient moved = cluster.client(node2, "moved");
            var movedIn = moved.publishes(MqttGlobalPublishFilter.ALL);
            // As any client does: until the owner cache has settled after the crash, the CONNECT may be refused.
            boolean[] present = new boolean[1];
            cluster.await("node2 takes the client", () -> {
                try {
                    present[0] = moved.connectWith().cleanStart(false).sessionExpiryInterval(3600).send()
                            .isSessionPresent();
                    return true;
                } catch (Mqtt5ConnAckException refused) {
                    return false;
                }
            });
            assertThat(present[0]).as("the crashed node's sessions are unavailable until it returns").isFalse();
            moved.subscribeWith().topicFilter("moved/#").qos(MqttQos.AT_LEAST_ONCE).send();
            node3.mqttPort();   // the join that the crash interrupted completes

            BrokerProcess back = cluster.start("node1", List.of(node2.jgroupsPort()), dir.resolve("data1"));
            cluster.await("node2 sees node1 again", () -> cluster.members(node2) == 3);
            back.mqttPort();   // listening: recovery, and its check of each stored session's owner, is done
            cluster.await("node1 said it dropped its stale copy", () -> back.log()
                    .contains("session moved in the store is stale: node2 owns it at epoch"));
            assertThat(back.log()).doesNotContain("session kept in the store is stale");

            Mqtt5BlockingClient kept = cluster.client(back, "kept");
            try (var in = kept.publishes(MqttGlobalPublishFilter.ALL)) {
                assertThat(kept.connectWith().cleanStart(false).sessionExpiryInterval(3600).send().isSessionPresent())
                        .as("the session came back with its node").isTrue();
                assertThat(receive(in, 20)).containsExactlyElementsOf(IntStream.range(0, 20).mapToObj(Integer::toString)
                        .toList());
            }
            cluster.await("node1 has node2's route for moved/#", () -> cluster.routes(back, "node2") >= 1);
            cluster.connect(back, "after-pub", true).publishWith().topic("moved/x").qos(MqttQos.AT_LEAST_ONCE)
                    .payload(bytes("fresh")).send();
            assertThat(receive(movedIn, 1)).containsExactly("fresh");
            assertThat(movedIn.receive(2, TimeUnit.SECONDS)).as("nothing of the stale copy, nothing twice").isEmpty();
            movedIn.close();
        }
    }
}
