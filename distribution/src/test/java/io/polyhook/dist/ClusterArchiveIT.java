package io.polyhook.dist;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code cluster.enabled: true} from the installed archive: two installs on one machine (as on
 * two machines, each unpacked on its own), every port ephemeral, the second with the first's
 * JGroups port as its seed. They form one cluster, and a message published on one node reaches
 * a subscriber on the other.
 */
class ClusterArchiveIT {

    /** Generous: two JVMs starting Infinispan on a busy two-core machine. */
    private static final long PATIENCE_NANOS = TimeUnit.MINUTES.toNanos(2);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void twoInstalledNodesFormOneClusterAndDeliverAcrossIt() throws Exception {
        Path home1 = Archive.unpack(Files.createDirectories(tmp.resolve("a")));
        Path home2 = Archive.unpack(Files.createDirectories(tmp.resolve("b")));
        try (Stream<Path> lib = Files.list(home1.resolve("lib"))) {
            assertThat(lib.map(p -> p.getFileName().toString()).toList())
                    .contains("broker-cluster-infinispan-" + Archive.VERSION + ".jar")
                    .anyMatch(n -> n.startsWith("infinispan-core-")).anyMatch(n -> n.startsWith("jgroups-"));
        }
        assertThat(Files.readString(home1.resolve("THIRD-PARTY.txt"))).contains("org.infinispan:infinispan-core:",
                "org.jgroups:jgroups:");

        try (RunningArchive node1 = new RunningArchive(home1, tmp, "run", "--config", node(home1, "node1", "[]").toString())
                .awaitStarted()) {
            int seed = Integer.parseInt(node1.find("node node1 joined cluster \\S+ in \\d+ ms \\(JGroups /127\\.0\\.0\\.1:(\\d+)"));
            try (RunningArchive node2 = new RunningArchive(home2, tmp, "run", "--config",
                    node(home2, "node2", "[\"127.0.0.1:" + seed + "\"]").toString()).awaitStarted()) {
                int admin1 = port(node1, "admin API and /metrics: http://127\\.0\\.0\\.1:(\\d+)");
                int admin2 = port(node2, "admin API and /metrics: http://127\\.0\\.0\\.1:(\\d+)");
                await("both nodes see node1 and node2", () -> members(admin1).equals("[\"node1\",\"node2\"]")
                        && members(admin2).equals("[\"node1\",\"node2\"]"));

                Mqtt5BlockingClient sub = client(port(node2, "listener tcp: mqtt://127\\.0\\.0\\.1:(\\d+)"), "dist-sub");
                Mqtt5BlockingClient pub = client(port(node1, "listener tcp: mqtt://127\\.0\\.0\\.1:(\\d+)"), "dist-pub");
                try (Mqtt5BlockingClient.Mqtt5Publishes in = sub.publishes(MqttGlobalPublishFilter.ALL)) {
                    sub.subscribeWith().topicFilter("across/#").qos(MqttQos.AT_LEAST_ONCE).send();
                    // Routes travel asynchronously: node1 must know of node2's subscription first.
                    await("node1 has node2's route", () -> status(admin1).path("routes").path("node2").asInt() >= 1);
                    pub.publishWith().topic("across/x").qos(MqttQos.AT_LEAST_ONCE)
                            .payload("from node1".getBytes(StandardCharsets.UTF_8)).send();
                    assertThat(in.receive(60, TimeUnit.SECONDS)).hasValueSatisfying(p ->
                            assertThat(new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("from node1"));
                } finally {
                    sub.disconnect();
                    pub.disconnect();
                }
                assertThat(node2.stop()).as("exit status after SIGTERM").isIn(0, 143);
            }
            await("node1 sees node2 leave cleanly", () -> members(admin(node1)).equals("[\"node1\"]")
                    && status(admin(node1)).path("missing").isEmpty());
        }
    }

    /** A node's config in its install's conf/: anonymous clients, nothing persisted, every port ephemeral. */
    private static Path node(Path home, String name, String seeds) throws Exception {
        Path conf = home.resolve("conf/" + name + ".yaml");
        Files.writeString(conf, """
                broker: { allow_anonymous: true }
                listeners: [{ type: tcp, address: "127.0.0.1:0" }]
                admin: { address: "127.0.0.1:0" }
                logging: { config: logback.xml }
                persistence: { enabled: false }
                cluster:
                  enabled: true
                  node_name: %s
                  bind: "127.0.0.1:0"
                  seeds: %s
                  data_plane: "127.0.0.1:0"
                """.formatted(name, seeds));
        return conf;
    }

    private static int port(RunningArchive node, String regex) {
        return Integer.parseInt(node.find(regex));
    }

    private static int admin(RunningArchive node) {
        return port(node, "admin API and /metrics: http://127\\.0\\.0\\.1:(\\d+)");
    }

    private static Mqtt5BlockingClient client(int port, String id) {
        Mqtt5BlockingClient c = MqttClient.builder().useMqttVersion5().identifier(id).serverHost("127.0.0.1")
                .serverPort(port).buildBlocking();
        c.connect();
        return c;
    }

    private static JsonNode status(int admin) {
        try {
            return JSON.readTree(DistributionIT.get(admin, "/api/v1/cluster"));
        } catch (Exception e) {
            throw new AssertionError("GET /api/v1/cluster failed: " + e, e);
        }
    }

    private static String members(int admin) {
        return status(admin).path("members").toString();
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + PATIENCE_NANOS;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            // Polling a condition with a deadline, not sleeping for a guessed time.
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
    }
}
