package io.polyhook.cluster.infinispan;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.List;

/**
 * Three nodes of their own for a test class that splits them ({@code @RegisterExtension} on a
 * static field): started before the class's first test, closed after its last. Never shared with
 * another class, unlike {@link SharedCluster}: a split right after another class's heal can catch
 * the caches still resolving their conflicts.
 */
final class SplitCluster implements BeforeAllCallback, AfterAllCallback {

    private TestCluster cluster;

    @Override
    public void beforeAll(ExtensionContext context) {
        cluster = TestCluster.of(3);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (cluster != null) {
            cluster.close();
        }
    }

    InfinispanCluster node(int i) {
        return cluster.node(i);
    }

    List<InfinispanCluster> nodes() {
        return cluster.nodes;
    }

    void awaitMembers(int count) {
        cluster.awaitMembers(count);
    }

    /** Splits the nodes with JGroups' DISCARD: {node1, node2} | {node3}. */
    void split() {
        node(1).faults().isolateFrom(List.of("node3"));
        node(2).faults().isolateFrom(List.of("node3"));
        node(3).faults().isolateFrom(List.of("node1", "node2"));
    }

    /** Lifts every split. */
    void heal() {
        cluster.nodes.forEach(n -> n.faults().heal());
    }
}
