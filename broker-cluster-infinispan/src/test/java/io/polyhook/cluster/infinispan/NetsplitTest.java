package io.polyhook.cluster.infinispan;

import io.polyhook.broker.cluster.ClusterException;
import io.polyhook.broker.cluster.ClusterOperation;
import io.polyhook.broker.cluster.NetsplitState;
import io.polyhook.spi.SubscriberId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A split injected with JGroups' DISCARD ({node1, node2} | {node3}) and healed: each side's
 * netsplit state, registration refused on the minority side only, and after the heal every
 * node's routes present everywhere, including those made and removed during the split.
 */
class NetsplitTest {

    @RegisterExtension
    static final SplitCluster cluster = new SplitCluster();

    static boolean sees(int node, String topic, String owner) {
        return cluster.node(node).routes().match("", topic).nodes().contains(owner);
    }

    @Test
    void aHealedSplitLeavesEveryNodesRoutesPresentAndNoneStale() throws Exception {
        cluster.node(1).routes().add("", "n1/#", false);
        cluster.node(2).routes().add("", "n2/#", false);
        cluster.node(3).routes().add("", "n3/#", false);
        TestCluster.await("every route everywhere", () -> sees(1, "n3/x", "node3") && sees(3, "n1/x", "node1")
                && sees(3, "n2/x", "node2") && sees(2, "n3/x", "node3"));

        long splitAt = System.nanoTime();
        cluster.split();
        TestCluster.await("both sides see the split", () ->
                cluster.node(3).membership().view().netsplit() == NetsplitState.MINORITY
                        && cluster.node(1).membership().view().netsplit() == NetsplitState.MAJORITY
                        && cluster.node(2).membership().view().netsplit() == NetsplitState.MAJORITY);
        System.out.println("split detected after " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - splitAt) + " ms");
        assertThat(cluster.node(3).membership().view().missing()).containsExactlyInAnyOrder("node1", "node2");
        assertThat(cluster.node(1).membership().view().missing()).containsExactly("node3");

        // allow_register_during_netsplit: false: the minority refuses, the majority goes on.
        SubscriberId id = new SubscriberId("", "during-split");
        assertThatThrownBy(() -> cluster.node(3).ownership().claim(id).toCompletableFuture().get(60, TimeUnit.SECONDS))
                .cause().isInstanceOf(ClusterException.class)
                .satisfies(e -> assertThat(((ClusterException) e).reason()).isEqualTo(ClusterException.Reason.UNAVAILABLE));
        assertThat(cluster.node(1).ownership().claim(id).toCompletableFuture().get(60, TimeUnit.SECONDS).epoch()).isEqualTo(1);
        assertThat(ClusterOperation.SUBSCRIBE.allowedIn(cluster.node(3).membership().view(), cluster.node(3).settings()))
                .isTrue();

        // Routes across the split are gone on each side; each side changes its own meanwhile.
        TestCluster.await("each side dropped the other's routes", () -> !sees(1, "n3/x", "node3") && !sees(3, "n1/x", "node1"));
        cluster.node(3).routes().add("", "during/n3", false);
        cluster.node(1).routes().add("", "during/n1", false);
        cluster.node(2).routes().remove("", "n2/#", false);

        long healAt = System.nanoTime();
        cluster.heal();
        cluster.awaitMembers(3);
        System.out.println("split healed after " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - healAt) + " ms");
        TestCluster.await("every node's routes are present on every other node", () ->
                sees(1, "n3/x", "node3") && sees(2, "n3/x", "node3") && sees(1, "during/n3", "node3")
                        && sees(2, "during/n3", "node3") && sees(3, "n1/x", "node1") && sees(3, "during/n1", "node1")
                        && sees(2, "during/n1", "node1"));
        TestCluster.await("the route removed during the split is gone everywhere", () ->
                !sees(1, "n2/x", "node2") && !sees(3, "n2/x", "node2")
                        && cluster.nodes().stream().noneMatch(n -> n.routes().snapshot().getOrDefault("node2", List.of())
                        .stream().anyMatch(r -> r.filter().equals("n2/#"))));
        for (InfinispanCluster n : cluster.nodes()) {
            assertThat(n.membership().view().netsplit()).isEqualTo(NetsplitState.NONE);
            assertThat(n.routes().snapshot().keySet()).isEqualTo(Set.of("node1", "node3"));
        }
        TestCluster.await("registration works on node3 again", () -> {
            try {
                return cluster.node(3).ownership().claim(id).toCompletableFuture().get(60, TimeUnit.SECONDS).epoch() == 2;
            } catch (Exception e) {
                return false;
            }
        });
    }
}
