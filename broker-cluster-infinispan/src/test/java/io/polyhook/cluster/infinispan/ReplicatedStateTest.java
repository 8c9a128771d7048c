package io.polyhook.cluster.infinispan;

import io.polyhook.broker.cluster.ClusterCommand;
import io.polyhook.broker.cluster.CommandOutcome;
import io.polyhook.broker.cluster.SharedTable;
import io.polyhook.broker.routing.Message;
import io.polyhook.broker.routing.RetainedStore;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.MqttProperties;
import io.polyhook.spi.Registration;
import io.polyhook.spi.SubscriberId;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Retained messages, kv tables and commands across the three nodes. */
@ExtendWith(SharedCluster.class)
class ReplicatedStateTest {

    static TestCluster cluster;

    @BeforeAll
    static void start(TestCluster shared) {
        cluster = shared;
    }

    static <T> T join(java.util.concurrent.CompletionStage<T> s) throws Exception {
        return s.toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    @Test
    void aRetainedMessageSetOnOneNodeReachesTheOtherNodesStoresAndAClearFollows() {
        List<RetainedStore> stores = new ArrayList<>();
        List<Registration> regs = new ArrayList<>();
        for (InfinispanCluster n : cluster.nodes) {
            RetainedStore s = new RetainedStore();
            stores.add(s);
            regs.add(n.retained().onChange(s::retain));
        }
        try {
            Message m = Message.of("status/door", 1, Bytes.utf8("open"), true, MqttProperties.EMPTY, "sensor");
            stores.get(0).retain("", m);
            cluster.node(1).retained().retain("", m);
            TestCluster.await("node2 and node3 hold the retained message", () ->
                    stores.get(1).matching("", "status/#").size() == 1 && stores.get(2).matching("", "status/+").size() == 1);
            assertThat(stores.get(2).matching("", "status/door").getFirst().payload().toUtf8String()).isEqualTo("open");

            Message clear = Message.of("status/door", 0, Bytes.EMPTY, true, MqttProperties.EMPTY, "sensor");
            stores.get(1).retain("", clear);
            cluster.node(2).retained().retain("", clear);
            TestCluster.await("every store is clear", () -> stores.stream().allMatch(s -> s.matching("", "status/#").isEmpty()));
        } finally {
            regs.forEach(Registration::close);
        }
    }

    @Test
    void aNodeLoadsEveryRetainedMessageItFindsInTheCluster() {
        cluster.node(3).retained().retain("tenant", Message.of("late/joiner", 1, Bytes.utf8("here"), true,
                MqttProperties.EMPTY, null));
        TestCluster.await("node1 finds it", () -> {
            RetainedStore s = new RetainedStore();
            cluster.node(1).retained().forEach(s::retain);
            return s.matching("tenant", "late/#").size() == 1;
        });
    }

    @Test
    void incrementsFromEveryNodeAtOnceLoseNothing() throws Exception {
        List<CompletableFuture<Optional<String>>> all = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            SharedTable t = cluster.node(i % 3 + 1).tables().table("counters");
            all.add(t.update("hits", v -> Optional.of(Long.toString(v.map(Long::parseLong).orElse(0L) + 1)))
                    .toCompletableFuture());
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        assertThat(join(cluster.node(2).tables().table("counters").get("hits"))).contains("30");
    }

    @Test
    void tablesAreSeparateAndAtomicPerKey() throws Exception {
        SharedTable a = cluster.node(1).tables().table("a");
        SharedTable b = cluster.node(3).tables().table("b");
        assertThat(join(a.putIfAbsent("k", "1"))).isTrue();
        assertThat(join(cluster.node(2).tables().table("a").putIfAbsent("k", "2"))).isFalse();
        assertThat(join(b.get("k"))).isEmpty();
        assertThat(join(cluster.node(2).tables().table("a").replace("k", "1", "3"))).isTrue();
        assertThat(join(a.get("k"))).contains("3");
        join(b.put("k", "x"));
        join(a.clear());
        assertThat(join(a.get("k"))).isEmpty();
        assertThat(join(b.get("k"))).contains("x");
    }

    @Test
    void aCommandRunsOnEveryNodeAndEachSaysWhatItDid() throws Exception {
        List<String> ran = new CopyOnWriteArrayList<>();
        List<Registration> regs = new ArrayList<>();
        for (InfinispanCluster n : cluster.nodes) {
            regs.add(n.commands().onCommand(c -> {
                ran.add(n.nodeName() + " " + c);
                boolean holds = n.nodeName().equals("node2");
                return CompletableFuture.completedFuture(new CommandOutcome(holds, holds ? "disconnected" : ""));
            }));
        }
        try {
            ClusterCommand.Disconnect d = new ClusterCommand.Disconnect(new SubscriberId("", "somebody"), true);
            Map<String, CommandOutcome> out = join(cluster.node(1).commands().broadcast(d));
            assertThat(out).containsOnlyKeys("node1", "node2", "node3");
            assertThat(out.get("node2")).isEqualTo(new CommandOutcome(true, "disconnected"));
            assertThat(out.get("node1").applied()).isFalse();
            assertThat(ran).hasSize(3).allSatisfy(r -> assertThat(r).endsWith(d.toString()));
        } finally {
            regs.forEach(Registration::close);
        }
    }

    @Test
    void aNodeWhoseHandlerFailsReportsItWithoutFailingTheOthers() throws Exception {
        List<Registration> regs = new ArrayList<>();
        for (InfinispanCluster n : cluster.nodes) {
            regs.add(n.commands().onCommand(c -> n.nodeName().equals("node3")
                    ? CompletableFuture.failedFuture(new IllegalStateException("script has a syntax error"))
                    : CompletableFuture.completedFuture(new CommandOutcome(true, "reloaded"))));
        }
        try {
            Map<String, CommandOutcome> out = join(cluster.node(2).commands().broadcast(
                    new ClusterCommand.Script(ClusterCommand.ScriptAction.RELOAD, "auth.lua")));
            assertThat(out.get("node1").applied()).isTrue();
            assertThat(out.get("node2").applied()).isTrue();
            assertThat(out.get("node3").applied()).isFalse();
            assertThat(out.get("node3").detail()).contains("script has a syntax error");
        } finally {
            regs.forEach(Registration::close);
        }
    }
}
