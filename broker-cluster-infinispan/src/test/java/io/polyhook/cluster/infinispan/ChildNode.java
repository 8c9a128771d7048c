package io.polyhook.cluster.infinispan;

import io.polyhook.broker.config.ClusterSettings;
import io.polyhook.spi.SubscriberId;

import java.util.ArrayList;
import java.util.List;

/**
 * A cluster node in a process of its own, for the test that kills it with SIGKILL: joins with
 * the seeds given, publishes a route, claims a client id, says READY and waits to be killed.
 * Arguments: node name, then the seeds' ports on 127.0.0.1.
 */
public final class ChildNode {

    private ChildNode() {
    }

    public static void main(String[] args) throws Exception {
        List<ClusterSettings.Endpoint> seeds = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            seeds.add(new ClusterSettings.Endpoint("127.0.0.1", Integer.parseInt(args[i])));
        }
        InfinispanCluster node = InfinispanCluster.start(TestCluster.settings(args[0], seeds), TestCluster.TUNING);
        node.routes().add("", "child/#", false);
        node.ownership().claim(new SubscriberId("", "child-client")).toCompletableFuture().get();
        TestCluster.await("the route is written", node::routesFlushed);
        System.out.println("READY");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
