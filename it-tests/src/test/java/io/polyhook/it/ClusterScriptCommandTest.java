package io.polyhook.it;

import io.polyhook.broker.PolyhookBroker;
import io.polyhook.broker.cli.PolyhookCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code polyhook script load|reload|unload --all-nodes} against a real two-node cluster: the CLI
 * asks one node's admin API, every node acts, and the CLI prints one line per node and fails
 * when a node did not apply it.
 */
class ClusterScriptCommandTest {

    private static BrokerCluster cluster;

    @TempDir
    Path dir;

    @BeforeAll
    static void startCluster() {
        cluster = BrokerCluster.of(2);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private record Run(int exit, String out, String err) {
    }

    /** Runs the CLI against node {@code node}'s admin API. */
    private static Run cli(int node, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new PolyhookCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--admin", "127.0.0.1:" + cluster.node(node).adminPort()));
        int exit = cl.execute(all.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    private static boolean loadedOn(PolyhookBroker node, Path script) {
        return node.scripts().find(script).isPresent();
    }

    @Test
    void loadReloadAndUnloadWithAllNodesActOnEveryNode() throws Exception {
        Path script = Files.writeString(dir.resolve("everywhere.lua"), "hooks = {}\n");

        Run load = cli(1, "script", "load", "--all-nodes", script.toString());
        assertThat(load.exit()).as(load.err()).isZero();
        assertThat(load.out()).containsPattern("(?m)^node1: loaded").containsPattern("(?m)^node2: loaded");
        assertThat(cluster.nodes).allMatch(n -> loadedOn(n, script));

        Run reload = cli(2, "script", "reload", "--all-nodes", script.toString());
        assertThat(reload.exit()).as(reload.err()).isZero();
        assertThat(reload.out()).containsPattern("(?m)^node1: reloaded").containsPattern("(?m)^node2: reloaded");
        assertThat(cluster.nodes).allMatch(n -> n.scripts().find(script).orElseThrow().reloads() == 1);

        Run unload = cli(1, "script", "unload", "--all-nodes", script.toString());
        assertThat(unload.exit()).as(unload.err()).isZero();
        assertThat(unload.out()).containsPattern("(?m)^node1: unloaded").containsPattern("(?m)^node2: unloaded");
        assertThat(cluster.nodes).noneMatch(n -> loadedOn(n, script));
    }

    @Test
    void withoutTheFlagOnlyTheNodeAskedActs() throws Exception {
        Path script = Files.writeString(dir.resolve("here.lua"), "hooks = {}\n");
        Run load = cli(2, "script", "load", script.toString());
        assertThat(load.exit()).as(load.err()).isZero();
        assertThat(loadedOn(cluster.node(2), script)).isTrue();
        assertThat(loadedOn(cluster.node(1), script)).isFalse();

        // Reloading it everywhere: node2 applies it, node1 says why not, and the command fails.
        Run reload = cli(1, "script", "reload", "--all-nodes", script.toString());
        assertThat(reload.exit()).isEqualTo(1);
        assertThat(reload.out()).containsPattern("(?m)^node1: not applied: .+").containsPattern("(?m)^node2: reloaded");
        assertThat(reload.err().strip()).isEqualTo("polyhook: not applied on node1");
        assertThat(cli(2, "script", "unload", script.toString()).exit()).isZero();
    }
}
