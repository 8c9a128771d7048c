package io.polyhook.dist;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The archive as an operator gets it: unpacked into a temporary folder, started with
 * {@code bin/polyhook run} from another working folder, used by a real MQTT client, read through
 * its banner, log and {@code /metrics}, and stopped with SIGTERM.
 */
class DistributionIT {

    @TempDir
    Path tmp;
    Path home;

    /** Admits the user "it" with the password "pw"; everyone else is refused (the archive's config is secure). */
    static final String AUTH_SCRIPT = """
            function auth_on_register(reg)
                if reg.username == "it" and reg.password == "pw" then return true end
                return false
            end
            hooks = { auth_on_register = auth_on_register, auth_on_register_m5 = auth_on_register }
            """;

    @BeforeEach
    void unpack() {
        home = Archive.unpack(tmp);
    }

    @Test
    void theArchiveHoldsEverythingAnOperatorNeeds() throws Exception {
        assertThat(home.resolve("bin/polyhook")).isRegularFile();
        assertThat(Files.getPosixFilePermissions(home.resolve("bin/polyhook"))).contains(PosixFilePermission.OWNER_EXECUTE,
                PosixFilePermission.OTHERS_EXECUTE);
        for (String file : List.of("conf/polyhook.yaml", "conf/logback.xml", "scripts/log_connections.lua",
                "plugins/README.md", "LICENSE", "NOTICE", "THIRD-PARTY.txt", "README.md",
                "contrib/systemd/polyhook.service", "contrib/docker/Dockerfile", "contrib/docker/polyhook.yaml",
                "contrib/grafana/polyhook-dashboard.json", "contrib/prometheus/polyhook-alerts.yml",
                "examples/public-broker/polyhook.yaml", "examples/public-broker/public_broker.lua")) {
            assertThat(home.resolve(file)).as(file).isRegularFile();
        }
        assertThat(home.resolve("data")).isEmptyDirectory();
        assertThat(home.resolve("log")).isEmptyDirectory();
        try (Stream<Path> lib = Files.list(home.resolve("lib"))) {
            assertThat(lib.map(p -> p.getFileName().toString()).toList())
                    .contains("broker-netty-" + Archive.VERSION + ".jar", "engine-luaj-" + Archive.VERSION + ".jar",
                            "engine-graaljs-" + Archive.VERSION + ".jar")
                    .anyMatch(n -> n.startsWith("netty-codec-mqtt-"))
                    .noneMatch(n -> n.startsWith("junit") || n.startsWith("hivemq-mqtt-client") || n.startsWith("assertj"))
                    .noneMatch(n -> n.startsWith("polyglot-") || n.startsWith("truffle-")); // once, in lib/graal/modules
        }
        // GraalJS's optimizing runtime (bin/jvm-options): the GraalVM jars as modules and the Graal compiler.
        assertThat(home.resolve("bin/jvm-options")).isExecutable();
        assertThat(home.resolve("lib/graal/upgrade/compiler.jar")).isRegularFile();
        try (Stream<Path> modules = Files.list(home.resolve("lib/graal/modules"))) {
            assertThat(modules.map(p -> p.getFileName().toString()).toList())
                    .anyMatch(n -> n.startsWith("polyglot-")).anyMatch(n -> n.startsWith("truffle-runtime-"))
                    .anyMatch(n -> n.startsWith("js-language-"));
        }
        String thirdParty = Files.readString(home.resolve("THIRD-PARTY.txt"));
        assertThat(thirdParty).contains("io.netty:netty-codec-mqtt:", "Apache").doesNotContain("io.polyhook:");
        assertThat(Archive.FILE.resolveSibling("polyhook-" + Archive.VERSION + ".zip")).isRegularFile();
    }

    @Test
    void runStartsFromAnyWorkingFolderServesClientsAndMetricsAndStopsOnSigterm() throws Exception {
        // Ephemeral ports instead of 1883/8000/8888, so that this test never collides with another broker.
        Path conf = home.resolve("conf/polyhook.yaml");
        String shipped = Files.readString(conf);
        Files.writeString(conf, shipped.replace("127.0.0.1:1883", "127.0.0.1:0").replace("127.0.0.1:8000", "127.0.0.1:0")
                .replace("127.0.0.1:8888", "127.0.0.1:0"));
        Files.writeString(home.resolve("scripts/allow_it.lua"), AUTH_SCRIPT);
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        try (RunningArchive broker = new RunningArchive(home, elsewhere, "run").awaitStarted()) {
            // The banner: version, config file, listeners, admin API, folders; nothing risky to warn about.
            assertThat(broker.find("(Polyhook \\S+) on Java")).isEqualTo("Polyhook " + Archive.VERSION);
            assertThat(broker.find("config file: (\\S+)")).isEqualTo(conf.toRealPath().toString());
            assertThat(broker.find("scripts folder: (\\S+)")).isEqualTo(home.resolve("scripts").toRealPath().toString());
            assertThat(broker.find("polyhook: (Java \\d+ at \\S+)")).startsWith("Java ");
            int mqtt = Integer.parseInt(broker.find("listener tcp: mqtt://127\\.0\\.0\\.1:(\\d+)"));
            int admin = Integer.parseInt(broker.find("admin API and /metrics: http://127\\.0\\.0\\.1:(\\d+)"));
            assertThat(broker.lines()).noneMatch(l -> l.contains(" WARN ") && l.contains("io.polyhook.broker -"));

            // A real MQTT client: the script in scripts/ (found relative to conf/) admits it; anonymous clients are refused.
            Mqtt5BlockingClient client = MqttClient.builder().useMqttVersion5().identifier("it-client").serverHost("127.0.0.1")
                    .serverPort(mqtt).buildBlocking();
            client.connectWith().simpleAuth().username("it").password("pw".getBytes(StandardCharsets.UTF_8)).applySimpleAuth()
                    .send();
            try (Mqtt5BlockingClient.Mqtt5Publishes in = client.publishes(MqttGlobalPublishFilter.ALL)) {
                client.subscribeWith().topicFilter("dist/#").qos(MqttQos.AT_LEAST_ONCE).send();
                client.publishWith().topic("dist/hello").qos(MqttQos.AT_LEAST_ONCE).payload("hi".getBytes(StandardCharsets.UTF_8))
                        .send();
                assertThat(in.receive(30, TimeUnit.SECONDS)).hasValueSatisfying(
                        p -> assertThat(new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("hi"));
            }
            Mqtt5BlockingClient anonymous = MqttClient.builder().useMqttVersion5().identifier("anon").serverHost("127.0.0.1")
                    .serverPort(mqtt).buildBlocking();
            assertThatThrownBy(anonymous::connect).isInstanceOf(Mqtt5ConnAckException.class);

            // /metrics in Prometheus conventions, with GC metrics after a collection.
            Archive.run(elsewhere, Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(broker.pid()), "GC.run");
            String metrics = get(admin, "/metrics");
            assertThat(metrics).contains("polyhook_build_info{java_version=\"", "version=\"" + Archive.VERSION + "\"} 1",
                    "polyhook_hook_latency_seconds_bucket{hook=\"auth_on_register_m5\",kind=\"script\",origin=\"allow_it.lua\",le=\"",
                    "polyhook_clients_connected 1", "jvm_gc_pause_seconds_count");
            MonitoringFiles.assertEveryQueriedMetricIsServed(home, metrics);

            // The refused login is logged, with the date, to standard output and to log/polyhook.log.
            assertThat(broker.lines()).anyMatch(l -> l.matches("\\d{4}-\\d\\d-\\d\\dT.* INFO .*login refused: client id \"anon\".*"));
            assertThat(Files.readString(home.resolve("log/polyhook.log"))).contains("login refused: client id \"anon\"",
                    "Polyhook " + Archive.VERSION);
            client.disconnect();

            int status = broker.stop();
            assertThat(status).as("exit status after SIGTERM").isIn(0, 143);
            assertThat(broker.lines()).anyMatch(l -> l.contains("broker stopped"));
        }
    }

    @Test
    void theVersionOptionNamesTheArchivesVersion() {
        assertThat(Archive.run(tmp, home.resolve("bin/polyhook").toString(), "--version").strip())
                .endsWith("polyhook " + Archive.VERSION);
    }

    static String get(int port, String path) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            return r.body();
        }
    }
}
