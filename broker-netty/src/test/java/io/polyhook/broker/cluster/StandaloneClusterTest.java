package io.polyhook.broker.cluster;

import io.polyhook.broker.config.ClusterSettings;
import io.polyhook.broker.routing.Message;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.MqttProperties;
import io.polyhook.spi.SubscriberId;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class StandaloneClusterTest {

    private final StandaloneCluster cluster = new StandaloneCluster(ClusterSettings.DEFAULT);
    private final SubscriberId id = new SubscriberId("", "c1");

    @Test
    void isAViewOfOneWholeNode() {
        ClusterView view = cluster.membership().view();
        assertThat(view.members()).containsExactly("node1");
        assertThat(view.netsplit()).isEqualTo(NetsplitState.NONE);
        assertThat(view.peers()).isEmpty();
    }

    @Test
    void claimsGrowTheEpochAndFenceTheFormerClaim() {
        Claim first = cluster.ownership().claim(id).toCompletableFuture().join();
        Claim second = cluster.ownership().claim(id).toCompletableFuture().join();
        assertThat(first.epoch()).isEqualTo(1);
        assertThat(second.epoch()).isEqualTo(2);
        assertThat(second.previous()).contains(first.owner());
        assertThat(second.takesOverFromAnotherNode()).isFalse();
        assertThat(cluster.ownership().release(first).toCompletableFuture().join()).isFalse();
        assertThat(cluster.ownership().isCurrent(second).toCompletableFuture().join()).isTrue();
        assertThat(cluster.ownership().release(second).toCompletableFuture().join()).isTrue();
        assertThat(cluster.ownership().owner(id).toCompletableFuture().join()).isEmpty();
    }

    @Test
    void nothingLeavesTheNode() {
        cluster.routes().add("", "a/#", true);
        assertThat(cluster.routes().match("", "a/b").isEmpty()).isTrue();
        Message m = Message.of("a/b", 1, Bytes.utf8("x"), false, MqttProperties.EMPTY, "p");
        RemoteDelivery d = new RemoteDelivery(cluster.dataPlane().newId(), "", m, true, java.util.List.of());
        assertThat(cluster.dataPlane().send("node2", d)).isFalse();
        assertThat(d.id().origin()).isEqualTo("node1");
    }

    @Test
    void commandsRunOnThisNodeOnly() {
        cluster.commands().onCommand(c -> CompletableFuture.completedFuture(new CommandOutcome(true, c.toString())));
        Map<String, CommandOutcome> out = cluster.commands()
                .broadcast(new ClusterCommand.Disconnect(id, false)).toCompletableFuture().join();
        assertThat(out).containsOnlyKeys("node1");
        assertThat(out.get("node1").applied()).isTrue();
    }

    @Test
    void tablesUpdateAtomicallyPerKey() {
        SharedTable t = cluster.tables().table("counters");
        assertThat(t.putIfAbsent("n", "1").toCompletableFuture().join()).isTrue();
        assertThat(t.putIfAbsent("n", "2").toCompletableFuture().join()).isFalse();
        assertThat(t.update("n", v -> v.map(x -> String.valueOf(Long.parseLong(x) + 41))).toCompletableFuture().join())
                .contains("42");
        assertThat(t.replace("n", "1", "0").toCompletableFuture().join()).isFalse();
        assertThat(t.update("n", v -> Optional.empty()).toCompletableFuture().join()).isEmpty();
        assertThat(t.get("n").toCompletableFuture().join()).isEmpty();
    }
}
