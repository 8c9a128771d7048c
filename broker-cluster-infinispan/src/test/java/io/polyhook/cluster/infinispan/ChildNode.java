package io.polyhook.cluster.infinispan;

import io.polyhook.broker.config.ClusterSettings;
import io.polyhook.spi.SubscriberId;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A cluster node in a process of its own, for the tests that crash it: joins with the seeds
 * given, publishes a route, claims a client id, says its JGroups port and READY, and waits to be
 * killed. Arguments: node name, then the seeds' ports on 127.0.0.1. With the system property
 * {@value #HALT_WHEN_JOINS} naming a node, it halts at once (as SIGKILL would end it: no leave,
 * no goodbye) when that node enters its view, before that node's caches can have joined.
 */
public final class ChildNode {

    static final String HALT_WHEN_JOINS = "polyhook.test.haltWhenJoins";

    private ChildNode() {
    }

    public static void main(String[] args) throws Exception {
        List<ClusterSettings.Endpoint> seeds = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            seeds.add(new ClusterSettings.Endpoint("127.0.0.1", Integer.parseInt(args[i])));
        }
        InfinispanCluster node = InfinispanCluster.start(TestCluster.settings(args[0], seeds), TestCluster.TUNING);
        String haltWhen = System.getProperty(HALT_WHEN_JOINS);
        if (haltWhen != null) {
            node.membership().onViewChange(view -> {
                if (view.members().contains(haltWhen)) {
                    Runtime.getRuntime().halt(137);
                }
            });
        }
        node.routes().add("", "child/#", false);
        node.ownership().claim(new SubscriberId("", "child-client")).toCompletableFuture().get();
        TestCluster.await("the route is written", node::routesFlushed);
        System.out.println("JGROUPS " + node.jgroupsAddress().getPort());
        System.out.println("READY");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }

    /**
     * A child node {@code name} with the seeds {@code seeds}, ready: its route written and its
     * client id claimed. {@code haltWhenJoins}: the node whose arrival ends it, or null.
     */
    static Child launch(String name, List<ClusterSettings.Endpoint> seeds, String haltWhenJoins) throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classpath, "-Djava.net.preferIPv4Stack=true", "--enable-native-access=ALL-UNNAMED",
                "-XX:TieredStopAtLevel=1"));
        if (haltWhenJoins != null) {
            cmd.add("-D" + HALT_WHEN_JOINS + "=" + haltWhenJoins);
        }
        cmd.add(ChildNode.class.getName());
        cmd.add(name);
        seeds.forEach(s -> cmd.add(Integer.toString(s.port())));
        Process process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        CompletableFuture<Integer> ready = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            int port = -1;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("JGROUPS ")) {
                        port = Integer.parseInt(line.substring("JGROUPS ".length()));
                    } else if (line.equals("READY")) {
                        ready.complete(port);
                    }
                }
            } catch (Exception e) {
                ready.completeExceptionally(e);
            }
            ready.completeExceptionally(new IllegalStateException("the child node ended before it was ready"));
        });
        try {
            return new Child(process, ready.get(120, TimeUnit.SECONDS));
        } catch (Exception | Error e) {
            process.destroyForcibly();
            throw e;
        }
    }

    /** A child node that is ready, and its JGroups port. */
    record Child(Process process, int jgroupsPort) {

        /** Its JGroups port as a seed. */
        ClusterSettings.Endpoint seed() {
            return new ClusterSettings.Endpoint("127.0.0.1", jgroupsPort);
        }
    }
}
