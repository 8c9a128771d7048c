package io.polyhook.cluster.infinispan;

import io.polyhook.broker.cluster.ClusterView;
import io.polyhook.broker.cluster.NetsplitState;
import io.polyhook.broker.cluster.RemoteMatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Three nodes in this JVM: forming the cluster, then the replicated state each part keeps. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ThreeNodeClusterTest {

    static TestCluster cluster;

    @BeforeAll
    static void start() {
        cluster = TestCluster.of(3);
        System.out.println("join times (ms) of node1..node3: " + cluster.joinMillis);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
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
    @Order(2)
    void aSecondNodeWithATakenNameIsRefused() {
        assertThatThrownBy(() -> InfinispanCluster.start(TestCluster.settings("node2", cluster.seeds()),
                TestCluster.TUNING))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("node_name must be unique");
        cluster.awaitMembers(3);
    }

    @Test
    @Order(3)
    void aRouteOfOneNodeMatchesOnTheOthersAndNotOnItself() {
        cluster.node(1).routes().add("", "sensors/+/temp", false);
        TestCluster.await("node2 and node3 see node1's route", () ->
                cluster.node(2).routes().match("", "sensors/a/temp").nodes().equals(Set.of("node1"))
                        && cluster.node(3).routes().match("", "sensors/a/temp").nodes().equals(Set.of("node1")));
        assertThat(cluster.node(1).routes().match("", "sensors/a/temp")).isEqualTo(RemoteMatch.NONE);
        assertThat(cluster.node(2).routes().match("", "sensors/a/humidity").isEmpty()).isTrue();
        assertThat(cluster.node(2).routes().match("other-mountpoint", "sensors/a/temp").isEmpty()).isTrue();
    }
}
