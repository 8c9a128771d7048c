package io.polyhook.broker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.polyhook.broker.PolyhookBroker;
import io.polyhook.broker.cluster.Cluster;
import io.polyhook.broker.cluster.ClusterCommands;
import io.polyhook.broker.cluster.ClusterRetained;
import io.polyhook.broker.cluster.ClusterTables;
import io.polyhook.broker.cluster.ClusterView;
import io.polyhook.broker.cluster.DataPlane;
import io.polyhook.broker.cluster.Membership;
import io.polyhook.broker.cluster.NetsplitState;
import io.polyhook.broker.cluster.RouteTable;
import io.polyhook.broker.cluster.SessionOwnership;
import io.polyhook.broker.cluster.StandaloneCluster;
import io.polyhook.broker.config.BrokerConfig;
import io.polyhook.broker.config.ClusterSettings;
import io.polyhook.broker.config.ListenerConfig;
import io.polyhook.spi.Registration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /api/v1/cluster} and {@code polyhook cluster status}: members, this node's view, netsplit state. */
class ClusterStatusTest {

    private static final ClusterView SPLIT = new ClusterView("node1", List.of("node1", "node2"), Set.of("node3"),
            NetsplitState.MAJORITY, 7);

    @Test
    void theAdminApiShowsMembersMissingNodesAndTheNetsplitState() throws Exception {
        try (PolyhookBroker broker = start(true)) {
            JsonNode status = get(broker, "/api/v1/cluster");
            assertThat(status.path("enabled").asBoolean()).isTrue();
            assertThat(status.path("node").asText()).isEqualTo("node1");
            assertThat(status.path("members").toString()).isEqualTo("[\"node1\",\"node2\"]");
            assertThat(status.path("missing").toString()).isEqualTo("[\"node3\"]");
            assertThat(status.path("netsplit").asText()).isEqualTo("majority");
            assertThat(status.path("view_id").asLong()).isEqualTo(7);
            assertThat(status.path("data_plane").has("dropped")).isTrue();
        }
    }

    @Test
    void theCommandPrintsTheViewAsATable() {
        try (PolyhookBroker broker = start(true)) {
            StringWriter out = new StringWriter();
            assertThat(run(broker, out, "cluster", "status")).isZero();
            assertThat(out.toString()).contains("node node1, view 7, netsplit: majority")
                    .containsPattern("node1\\s+this node").containsPattern("node2\\s+up")
                    .containsPattern("node3\\s+missing");
        }
    }

    @Test
    void aSingleNodeSaysClusteringIsOff() throws Exception {
        try (PolyhookBroker broker = start(false)) {
            assertThat(get(broker, "/api/v1/cluster").path("members").toString()).isEqualTo("[\"node1\"]");
            StringWriter out = new StringWriter();
            assertThat(run(broker, out, "cluster", "status")).isZero();
            assertThat(out.toString()).contains("clustering is off");
        }
    }

    private static PolyhookBroker start(boolean clustered) {
        ClusterSettings settings = new ClusterSettings(clustered, "node1", ClusterSettings.DEFAULT.bind(), List.of(),
                ClusterSettings.DEFAULT.dataPlane(), false, true, true);
        BrokerConfig config = BrokerConfig.defaults()
                .withListeners(List.of(ListenerConfig.of(ListenerConfig.Kind.TCP, "127.0.0.1", 0)))
                .withCluster(settings).withPersistence(io.polyhook.broker.config.PersistenceSettings.DISABLED);
        return PolyhookBroker.builder().discoverPlugins(false).adminAddress("127.0.0.1", 0).config(config)
                .clusterFactory(s -> new SplitView(new StandaloneCluster(s))).start();
    }

    private static int run(PolyhookBroker broker, StringWriter out, String... args) {
        CommandLine cl = new CommandLine(new PolyhookCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(new StringWriter()));
        String[] all = java.util.Arrays.copyOf(args, args.length + 2);
        all[args.length] = "--admin";
        all[args.length + 1] = "127.0.0.1:" + broker.adminPort();
        return cl.execute(all);
    }

    private static JsonNode get(PolyhookBroker broker, String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + broker.adminPort() + path)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return new ObjectMapper().readTree(r.body());
    }

    /** A single node that sees itself in a split, as a clustered node would. */
    private record SplitView(StandaloneCluster alone) implements Cluster {
        @Override
        public ClusterSettings settings() {
            return alone.settings();
        }

        @Override
        public Membership membership() {
            return new Membership() {
                @Override
                public ClusterView view() {
                    return SPLIT;
                }

                @Override
                public Registration onViewChange(Consumer<ClusterView> listener) {
                    return () -> { };
                }

                @Override
                public boolean forget(String node) {
                    return false;
                }
            };
        }

        @Override
        public RouteTable routes() {
            return alone.routes();
        }

        @Override
        public SessionOwnership ownership() {
            return alone.ownership();
        }

        @Override
        public DataPlane dataPlane() {
            return alone.dataPlane();
        }

        @Override
        public ClusterRetained retained() {
            return alone.retained();
        }

        @Override
        public ClusterTables tables() {
            return alone.tables();
        }

        @Override
        public ClusterCommands commands() {
            return alone.commands();
        }

        @Override
        public void close() {
            alone.close();
        }
    }
}
