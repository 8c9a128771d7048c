package io.polyhook.it;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.polyhook.spi.SharedSubscriptionPolicy;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.polyhook.it.PublishSubscribeTest.bytes;
import static io.polyhook.it.PublishSubscribeTest.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The four {@code shared_subscription_policy} values across two nodes, as VerneMQ documents them;
 * the publisher is always on node1. A node publishes whether its members of a group are online,
 * so the other node's choice knows a disconnected persistent member from a connected one.
 *
 * <p>To count what a member got, it also subscribes to "marker": a marker published after the
 * work travels behind it (one ordered link per pair of nodes, in order on one node), so whatever
 * a member gets before the marker is all it got.
 */
class ClusterSharedPolicyTest {

    private static final String GROUP = "$share/g/work";
    private static final int N = 20;

    private static BrokerCluster clusterWith(SharedSubscriptionPolicy policy) {
        return BrokerCluster.of(2, c -> c.withBroker(c.broker().withDelivery(
                c.broker().delivery().withSharedSubscriptionPolicy(policy))));
    }

    /** A connected member of the group on {@code node}, also subscribed to its marker. */
    private static Member online(BrokerCluster cluster, int node, String id) {
        Mqtt5BlockingClient c = cluster.v5(node, id);
        Mqtt5BlockingClient.Mqtt5Publishes in = c.publishes(MqttGlobalPublishFilter.ALL);
        c.subscribeWith().topicFilter(GROUP).qos(MqttQos.AT_LEAST_ONCE).send();
        c.subscribeWith().topicFilter("marker/" + id).qos(MqttQos.AT_LEAST_ONCE).send();
        if (node != 1) {
            cluster.awaitRoute(1, "marker/" + id, node);
        }
        return new Member(id, c, in);
    }

    /** A persistent member of the group on {@code node}, then disconnected: its session queues. */
    private static void offline(BrokerCluster cluster, int node, String id) {
        Mqtt5BlockingClient c = cluster.track(cluster.builder(node, id).buildBlocking());
        c.connectWith().cleanStart(true).sessionExpiryInterval(600).send();
        c.subscribeWith().topicFilter(GROUP).qos(MqttQos.AT_LEAST_ONCE).send();
        c.subscribeWith().topicFilter("marker/" + id).qos(MqttQos.AT_LEAST_ONCE).send();
        c.disconnect();
    }

    /** Waits until node1 sees node2's members of the group as having one online or not. */
    private static void awaitNode2Group(BrokerCluster cluster, boolean online) {
        BrokerCluster.await("node1 sees node2's group " + (online ? "online" : "offline"), () -> cluster.node(1).cluster()
                .routes().snapshot().getOrDefault("node2", List.of()).stream()
                .anyMatch(r -> r.filter().equals(GROUP) && r.online() == online));
    }

    /** Publishes N messages to the group's topic on node1, then a marker to each of {@code members}. */
    private static void publishWork(BrokerCluster cluster, Member... members) {
        Mqtt5BlockingClient pub = cluster.v5(1, "publisher-" + System.nanoTime());
        for (int i = 0; i < N; i++) {
            pub.publishWith().topic("work").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("w" + i)).send();
        }
        for (Member m : members) {
            pub.publishWith().topic("marker/" + m.id()).qos(MqttQos.AT_LEAST_ONCE).payload(bytes("marker")).send();
        }
        pub.disconnect();
    }

    /**
     * Reconnects the offline member {@code id} on {@code node}, returns what its queue held (up to
     * a marker published there after the reconnect) and disconnects it again.
     */
    private static List<String> queuedFor(BrokerCluster cluster, int node, String id) throws InterruptedException {
        Mqtt5BlockingClient c = cluster.track(cluster.builder(node, id).buildBlocking());
        try (var in = c.publishes(MqttGlobalPublishFilter.ALL)) {
            assertThat(c.connectWith().cleanStart(false).sessionExpiryInterval(600).send().isSessionPresent()).isTrue();
            Mqtt5BlockingClient marker = cluster.v5(node, "marker-" + id);
            marker.publishWith().topic("marker/" + id).qos(MqttQos.AT_LEAST_ONCE).payload(bytes("marker")).send();
            marker.disconnect();
            return new Member(id, c, in).untilMarker();
        } finally {
            c.disconnect();
        }
    }

    private record Member(String id, Mqtt5BlockingClient client, Mqtt5BlockingClient.Mqtt5Publishes in) {
        /** What it got up to its next marker (not included). */
        List<String> untilMarker() throws InterruptedException {
            List<String> got = new ArrayList<>();
            while (true) {
                String s = text(in.receive(60, TimeUnit.SECONDS).orElseThrow(
                        () -> new AssertionError(id + " got no marker; got " + got)).getPayloadAsBytes());
                if (s.equals("marker")) {
                    return got;
                }
                got.add(s);
            }
        }
    }

    @Test
    void localOnlyGivesEveryMessageToAMemberOnThePublishersNodeAndNoneToAnotherNodes() throws Exception {
        try (BrokerCluster cluster = clusterWith(SharedSubscriptionPolicy.LOCAL_ONLY)) {
            Member remote = online(cluster, 2, "remote");
            cluster.awaitRoute(1, "work", 2);
            publishWork(cluster, remote);
            assertThat(remote.untilMarker()).as("no member on node1: nobody gets them").isEmpty();

            Member local = online(cluster, 1, "local");
            publishWork(cluster, local, remote);
            assertThat(local.untilMarker()).hasSize(N);
            assertThat(remote.untilMarker()).isEmpty();
        }
    }

    @Test
    void preferLocalGivesEveryMessageToALocalMemberAndToAnotherNodesOnlyWhenThereIsNone() throws Exception {
        try (BrokerCluster cluster = clusterWith(SharedSubscriptionPolicy.PREFER_LOCAL)) {
            Member remote = online(cluster, 2, "remote");
            Member local = online(cluster, 1, "local");
            cluster.awaitRoute(1, "work", 2);
            publishWork(cluster, local, remote);
            assertThat(local.untilMarker()).hasSize(N);
            assertThat(remote.untilMarker()).isEmpty();

            // node1's member leaves the group (it keeps its marker).
            local.client().unsubscribeWith().topicFilter(GROUP).send();
            publishWork(cluster, local, remote);
            assertThat(remote.untilMarker()).hasSize(N);
            assertThat(local.untilMarker()).isEmpty();
        }
    }

    @Test
    void randomSkipsAnotherNodesOfflineMemberAndSpreadsOverOnlineMembersOfBothNodes() throws Exception {
        try (BrokerCluster cluster = clusterWith(SharedSubscriptionPolicy.RANDOM)) {
            Member local = online(cluster, 1, "local");
            offline(cluster, 2, "sleeper");
            awaitNode2Group(cluster, false);
            publishWork(cluster, local);
            assertThat(local.untilMarker()).as("node2's only member is offline").hasSize(N);
            assertThat(queuedFor(cluster, 2, "sleeper")).isEmpty();

            Member remote = online(cluster, 2, "remote");
            awaitNode2Group(cluster, true);
            publishWork(cluster, local, remote);
            List<String> here = local.untilMarker();
            List<String> there = remote.untilMarker();
            assertThat(here.size() + there.size()).isEqualTo(N);
            assertThat(here).as("each message picks a node at random: none here has chance 2^-%d", N).isNotEmpty();
            assertThat(there).as("each message picks a node at random: none there has chance 2^-%d", N).isNotEmpty();
            assertThat(queuedFor(cluster, 2, "sleeper")).as("online members first").isEmpty();
        }
    }

    @Test
    void preferOnlineBeforeLocalTakesAnotherNodesOnlineMemberOverALocalOfflineOneAndElseStaysLocal()
            throws Exception {
        try (BrokerCluster cluster = clusterWith(SharedSubscriptionPolicy.PREFER_ONLINE_BEFORE_LOCAL)) {
            offline(cluster, 1, "local-sleeper");
            offline(cluster, 2, "remote-sleeper");
            awaitNode2Group(cluster, false);
            publishWork(cluster);
            // Nobody online: the local offline member's queue keeps them, none goes to the other node.
            assertThat(queuedFor(cluster, 2, "remote-sleeper")).isEmpty();

            Member remote = online(cluster, 2, "remote");
            awaitNode2Group(cluster, true);
            publishWork(cluster, remote);
            assertThat(remote.untilMarker()).as("the other node's online member before the local offline one").hasSize(N);
            assertThat(queuedFor(cluster, 2, "remote-sleeper")).isEmpty();
            assertThat(queuedFor(cluster, 1, "local-sleeper")).as("the first round only").hasSize(N);
        }
    }
}
