package io.polyhook.it;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.polyhook.broker.store.QueueOrder;
import io.polyhook.spi.SubscriberId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.polyhook.it.NumberedMessages.numbers;
import static io.polyhook.it.PersistenceRestartTest.receive;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three brokers in one JVM, each with its own durable store (RocksDB in a temp folder): a
 * persistent session moves between them with its stored queue, in order and once, the node it
 * leaves keeps nothing of it, what still reaches that node for it is forwarded, a node that leaves
 * cleanly hands its stored sessions over, and a node that comes back with a stale copy drops it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterPersistenceTest {

    @TempDir
    static Path dir;
    private static BrokerCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = BrokerCluster.persistent(3, dir.resolve("stores"));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static SubscriberId id(String clientId) {
        return new SubscriberId("", clientId);
    }

    /** Connects {@code clientId} to {@code node} with a persistent session, subscribes and goes away. */
    private static void subscribeAndLeave(int node, String clientId, String filter) {
        Mqtt5BlockingClient c = cluster.track(cluster.builder(node, clientId).buildBlocking());
        c.connectWith().cleanStart(true).sessionExpiryInterval(3600).send();
        c.subscribeWith().topicFilter(filter).qos(MqttQos.EXACTLY_ONCE).send();
        c.disconnect();
    }

    @Test
    @Order(1)
    void aStoredQueueOfQos1AndQos2MessagesMovesWithItsSessionInOrderOnceAndLeavesNothingBehind() throws Exception {
        int n = 1_000;   // max_offline_messages, the default bound of a queue; two pages and more on the wire
        subscribeAndLeave(1, "mover", "move/#");
        NumberedMessages.publish(cluster, 1, "move/x", 0, n);
        assertThat(cluster.store(1).queueSize(id("mover")).messages()).as("node1 stored the queue").isEqualTo(n);

        Mqtt5BlockingClient back = cluster.track(cluster.builder(2, "mover").buildBlocking());
        try (var in = back.publishes(MqttGlobalPublishFilter.ALL)) {
            var ack = back.connectWith().cleanStart(false).sessionExpiryInterval(3600).send();
            assertThat(ack.isSessionPresent()).isTrue();
            assertThat(receive(in, n)).containsExactlyElementsOf(numbers(0, n));
            assertThat(in.receive(2, TimeUnit.SECONDS)).as("nothing twice").isEmpty();
        }
        assertThat(cluster.store(1).queueSize(id("mover")).messages()).as("node1 deleted its copy").isZero();
        assertThat(cluster.store(1).readQueue(id("mover"), QueueOrder.OLDEST_FIRST, QueueOrder.OLDEST_FIRST.start(), 10))
                .isEmpty();
        back.disconnect();
    }

    @Test
    @Order(2)
    void aQos2MessageHalfwayThroughMovesAsItsPubrelWithTheStore() throws Exception {
        HalfwayQos2Move.check(cluster, "halfway-stored", 1, 1, 2);
    }

    @Test
    @Order(3)
    void messagesPublishedOnTheOldNodeWhileTheSessionMovesReachTheClientOnTheNewNode() throws Exception {
        PublishedWhileMoving.check(cluster, "flow", 1, 2);
    }

    @Test
    @Order(4)
    void aNodeThatComesBackWithAStaleCopyOfAMovedSessionDropsIt() throws Exception {
        subscribeAndLeave(3, "stale", "stale/t");
        NumberedMessages.publish(cluster, 3, "stale/t", 0, 5);
        // What node3's disk held before the session moved: as if node3 had crashed before deleting its copy.
        Path snapshot = dir.resolve("node3-before-the-move");
        cluster.store(3).checkpoint(snapshot);

        Mqtt5BlockingClient moved = cluster.track(cluster.builder(1, "stale").buildBlocking());
        try (var in = moved.publishes(MqttGlobalPublishFilter.ALL)) {
            assertThat(moved.connectWith().cleanStart(false).sessionExpiryInterval(3600).send().isSessionPresent())
                    .isTrue();
            assertThat(receive(in, 5)).containsExactlyElementsOf(numbers(0, 5));
        }
        moved.disconnect();

        cluster.stop(3);
        Path folder = dir.resolve("stores").resolve("node3");
        try (Stream<Path> files = Files.walk(folder)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        Files.move(snapshot, folder);
        cluster.restart(3);

        assertThat(cluster.store(3).queueSize(id("stale")).messages()).as("the stale copy is gone").isZero();
        assertThat(cluster.node(3).sessionCount()).as("not resurrected").isZero();
        // The session lives on node1 only: a message for it is queued there once and comes once.
        cluster.awaitRoute(3, "stale/t", 1);
        NumberedMessages.publish(cluster, 3, "stale/t", 5, 1);
        Mqtt5BlockingClient again = cluster.track(cluster.builder(1, "stale").buildBlocking());
        try (var in = again.publishes(MqttGlobalPublishFilter.ALL)) {
            assertThat(again.connectWith().cleanStart(false).sessionExpiryInterval(3600).send().isSessionPresent())
                    .isTrue();
            assertThat(receive(in, 1)).containsExactly("5");
            assertThat(in.receive(2, TimeUnit.SECONDS)).as("nothing of the stale copy").isEmpty();
        }
        again.disconnect();
    }

    @Test
    @Order(5)
    void aNodeThatLeavesCleanlyHandsItsStoredSessionsWithTheirQueuesToTheOthers() throws Exception {
        int n = 300;
        subscribeAndLeave(3, "left-behind", "leave/#");
        NumberedMessages.publish(cluster, 3, "leave/x", 0, n);
        cluster.stop(3);
        BrokerCluster.await("the session is on node1 or node2", () -> cluster.store(1).queueSize(id("left-behind"))
                .messages() + cluster.store(2).queueSize(id("left-behind")).messages() == n);

        Mqtt5BlockingClient back = cluster.track(cluster.builder(1, "left-behind").buildBlocking());
        try (var in = back.publishes(MqttGlobalPublishFilter.ALL)) {
            assertThat(back.connectWith().cleanStart(false).sessionExpiryInterval(3600).send().isSessionPresent())
                    .isTrue();
            assertThat(receive(in, n)).containsExactlyElementsOf(numbers(0, n));
            assertThat(in.receive(2, TimeUnit.SECONDS)).as("nothing twice").isEmpty();
        }
        back.disconnect();
    }
}
