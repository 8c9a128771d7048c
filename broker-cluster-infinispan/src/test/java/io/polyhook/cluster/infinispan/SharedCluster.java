package io.polyhook.cluster.infinispan;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One three-node cluster for every test class that only adds and removes its own state: a
 * cluster takes seconds to form on this machine, so the classes share it; it stops at the end
 * of the run. Classes that split or kill nodes start their own.
 */
final class SharedCluster implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
        return p.getParameter().getType() == TestCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
        return e.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .computeIfAbsent(SharedCluster.class, k -> {
                    TestCluster c = TestCluster.of(3);
                    System.out.println("join times (ms) of node1..node3: " + c.joinMillis);
                    return c;
                }, TestCluster.class);
    }
}
