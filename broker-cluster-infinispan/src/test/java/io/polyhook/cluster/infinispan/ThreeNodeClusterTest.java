package io.polyhook.cluster.infinispan;

import io.polyhook.broker.cluster.ClusterView;
import io.polyhook.broker.cluster.NetsplitState;
import io.polyhook.broker.cluster.RemoteMatch;
import io.polyhook.broker.cluster.RouteTable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Three nodes in this JVM: forming the cluster, and the routes each node publishes. */
@ExtendWith(SharedCluster.class)
class ThreeNodeClusterTest {

    static TestCluster cluster;

    @BeforeAll
    static void start(TestCluster shared) {
        cluster = shared;
    }

    @Test
    void everyNodeSeesTheSameThreeMembersInJoinOrder() {
        for (InfinispanCluster n : cluster.nodes) {
            ClusterView v = n.membership().view();
            assertThat(v.members()).containsExactly("node1", "node2", "node3");
            assertThat(v.missing()).isEmpty();
            assertThat(v.netsplit()).isEqualTo(NetsplitState.NONE);
            assertThat(v.self()).isEqualTo(n.nodeName());
        }
    }

    @Test
    void aSecondNodeWithATakenNameIsRefused() {
        assertThatThrownBy(() -> InfinispanCluster.start(TestCluster.settings("node2", cluster.seeds()),
                TestCluster.TUNING))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("node_name must be unique");
        cluster.awaitMembers(3);
    }

    @Test
    void aRouteOfOneNodeMatchesOnTheOthersAndNotOnItself() {
        cluster.node(1).routes().add("", "sensors/+/temp", false);
        TestCluster.await("node2 and node3 see node1's route", () ->
                cluster.node(2).routes().match("", "sensors/a/temp").nodes().equals(Set.of("node1"))
                        && cluster.node(3).routes().match("", "sensors/a/temp").nodes().equals(Set.of("node1")));
        assertThat(cluster.node(1).routes().match("", "sensors/a/temp")).isEqualTo(RemoteMatch.NONE);
        assertThat(cluster.node(2).routes().match("", "sensors/a/humidity").isEmpty()).isTrue();
        assertThat(cluster.node(2).routes().match("other-mountpoint", "sensors/a/temp").isEmpty()).isTrue();
    }

    @Test
    void aRouteStaysWhileOneOfItsLocalSubscriptionsRemains() {
        RouteTable r1 = cluster.node(1).routes();
        r1.add("", "counted/#", true);
        r1.add("", "counted/#", true);
        TestCluster.await("node3 sees counted/#", () -> !cluster.node(3).routes().match("", "counted/x").isEmpty());
        r1.remove("", "counted/#", true);
        r1.add("", "marker/after-first-remove", false);
        TestCluster.await("node3 sees the marker", () -> !cluster.node(3).routes().match("", "marker/after-first-remove").isEmpty());
        assertThat(cluster.node(3).routes().match("", "counted/x").nodes()).containsExactly("node1");
        r1.remove("", "counted/#", true);
        TestCluster.await("node3 no longer sees counted/#", () -> cluster.node(3).routes().match("", "counted/x").isEmpty());
    }

    @Test
    void routesOfSeveralNodesForOneTopicNameEachNodeOnce() {
        cluster.node(1).routes().add("", "fan/out", false);
        cluster.node(2).routes().add("", "fan/+", false);
        cluster.node(2).routes().add("", "fan/#", false);
        // Routes reach each node in its own time: wait for all three views, node2's included.
        TestCluster.await("node3 sees both nodes, node1 sees node2, node2 sees node1", () ->
                cluster.node(3).routes().match("", "fan/out").nodes().equals(Set.of("node1", "node2"))
                        && cluster.node(1).routes().match("", "fan/out").nodes().equals(Set.of("node2"))
                        && !cluster.node(2).routes().match("", "fan/out").nodes().isEmpty());
        assertThat(cluster.node(2).routes().match("", "fan/out").nodes()).containsExactly("node1");
    }

    @Test
    void aSharedGroupSaysWhichNodesHaveAMemberOnline() {
        String group = "$share/workers/jobs/#";
        cluster.node(1).routes().add("", group, true);
        cluster.node(2).routes().add("", group, false);
        TestCluster.await("node3 sees the group on node1 online and node2 offline", () -> {
            List<RemoteMatch.GroupMember> members = cluster.node(3).routes().match("", "jobs/1").groups().get(group);
            return members != null && Set.copyOf(members).equals(Set.of(new RemoteMatch.GroupMember("node1", true),
                    new RemoteMatch.GroupMember("node2", false)));
        });
        assertThat(cluster.node(3).routes().match("", "jobs/1").nodes()).isEmpty();
        cluster.node(2).routes().online("", group, true);
        TestCluster.await("node3 sees node2's member come online", () ->
                cluster.node(3).routes().match("", "jobs/1").groups().get(group)
                        .contains(new RemoteMatch.GroupMember("node2", true)));
    }

    @Test
    void aNodeThatLeavesCleanlyTakesItsRoutesAndIsNotMissing() {
        InfinispanCluster fourth = cluster.add("node4");
        try {
            cluster.awaitMembers(4);
            fourth.routes().add("", "leaving/#", false);
            TestCluster.await("node1 sees node4's route", () -> !cluster.node(1).routes().match("", "leaving/x").isEmpty());
        } finally {
            cluster.nodes.remove(fourth);
            fourth.close();
        }
        cluster.awaitMembers(3);
        TestCluster.await("node4's route is gone everywhere", () -> cluster.nodes.stream()
                .allMatch(n -> n.routes().match("", "leaving/x").isEmpty()
                        && !n.routes().snapshot().containsKey("node4")));
        for (InfinispanCluster n : cluster.nodes) {
            assertThat(n.membership().view().missing()).isEmpty();
        }
    }

    @Test
    void theSnapshotListsEachNodesOwnRoutes() {
        cluster.node(2).routes().add("tenant-a", "snap/+", false);
        TestCluster.await("node1's snapshot has node2's route", () ->
                cluster.node(1).routes().snapshot().getOrDefault("node2", List.of())
                        .contains(new RouteTable.Route("node2", "tenant-a", "snap/+", true)));
    }
}
