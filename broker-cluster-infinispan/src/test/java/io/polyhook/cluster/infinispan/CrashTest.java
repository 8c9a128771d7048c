package io.polyhook.cluster.infinispan;

import io.polyhook.broker.cluster.Claim;
import io.polyhook.broker.cluster.NetsplitState;
import io.polyhook.spi.SubscriberId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node in a child JVM killed with SIGKILL (kill -9): it cannot say goodbye. The others purge
 * its routes, count it missing (the two left are a majority, so registration goes on), and a
 * client it held gets a fresh session elsewhere.
 */
class CrashTest {

    static TestCluster cluster;
    static Process child;

    @BeforeAll
    static void start() {
        cluster = TestCluster.of(2);
    }

    @AfterAll
    static void stop() {
        if (child != null) {
            child.destroyForcibly();
        }
        cluster.close();
    }

    @Test
    void aKilledNodesRoutesArePurgedAndItsClientsCanConnectElsewhere() throws Exception {
        child = ChildNode.launch("node3", cluster.seeds(), null).process();
        cluster.awaitMembers(3);
        TestCluster.await("the child's route is seen", () -> !cluster.node(1).routes().match("", "child/x").isEmpty()
                && !cluster.node(2).routes().match("", "child/x").isEmpty());

        long killedAt = System.nanoTime();
        child.destroyForcibly(); // SIGKILL
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        TestCluster.await("node3 is missing on both nodes", () -> cluster.nodes.stream().allMatch(n ->
                n.membership().view().missing().contains("node3")
                        && n.membership().view().netsplit() == NetsplitState.MAJORITY));
        System.out.println("crash detected after " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt) + " ms");
        TestCluster.await("the child's routes are purged", () -> cluster.nodes.stream().allMatch(n ->
                n.routes().match("", "child/x").isEmpty() && !n.routes().snapshot().containsKey("node3")));

        // Its client reconnects to node1: a majority registers; the crashed node's session is unavailable, so fresh.
        SubscriberId id = new SubscriberId("", "child-client");
        Claim claim = cluster.node(1).ownership().claim(id).toCompletableFuture().get(60, TimeUnit.SECONDS);
        assertThat(claim.previous()).hasValueSatisfying(p -> assertThat(p.node()).isEqualTo("node3"));
        assertThat(cluster.node(1).ownership().takeOver(claim, false).toCompletableFuture().get(60, TimeUnit.SECONDS))
                .isEmpty();

        // An operator declares it gone for good: the cluster is whole again.
        assertThat(cluster.node(2).membership().forget("node3")).isTrue();
        TestCluster.await("no node is missing", () -> cluster.nodes.stream().allMatch(n ->
                n.membership().view().netsplit() == NetsplitState.NONE));
    }
}
