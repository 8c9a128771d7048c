package io.polyhook.it;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The example plugin ({@code examples/java-plugin}, bundling jackson-core 2.17.2 while the broker
 * has 2.23) and the example provider ({@code examples/java-provider}, bundling commons-lang3,
 * which the broker lacks) are built by Maven as separate projects, off this module's class path.
 * Their folders are dropped into a plugins folder next to a config file, the broker is started
 * with {@code bin/polyhook run} as a separate process, and a real MQTT 5 client sees their verdicts.
 */
class PluginFolderTest {

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Pattern MQTT_PORT = Pattern.compile("(?:listening for MQTT on |mqtt://)127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern ADMIN_PORT = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path work;

    private Process broker;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private final List<Mqtt5BlockingClient> clients = new ArrayList<>();

    @BeforeEach
    void install() throws IOException {
        copyFolder(ROOT.resolve("examples/java-plugin/target/plugin/json-guard"), work.resolve("plugins/json-guard"));
        copyFolder(ROOT.resolve("examples/java-provider/target/plugin/textcheck"), work.resolve("plugins/textcheck"));
        Files.createDirectories(work.resolve("scripts"));
        Files.writeString(work.resolve("scripts/text.lua"), """
                -- textcheck is the example provider, loaded from plugins/textcheck/
                vmq_api.publish("plugins/textcheck/info", textcheck.library_version(), 0, true)

                function auth_on_publish(pub)
                  if string.sub(pub.topic, 1, 5) ~= "text/" then return true end
                  if textcheck.is_blank(pub.payload) then
                    return false, "payload_format_invalid", "blank text"
                  end
                  return true
                end

                hooks = { auth_on_publish = auth_on_publish, auth_on_publish_m5 = auth_on_publish }
                """);
    }

    @AfterEach
    void stop() throws InterruptedException {
        clients.forEach(c -> {
            if (c.getState().isConnected()) {
                c.disconnect();
            }
        });
        if (broker != null && broker.isAlive()) {
            broker.destroy();
            if (!broker.waitFor(30, TimeUnit.SECONDS)) {
                broker.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private Path config(String plugins) throws IOException {
        return Files.writeString(work.resolve("polyhook.yaml"), """
                broker: { allow_anonymous: true }
                listeners: [ { type: tcp, address: "127.0.0.1:0" } ]
                admin: { address: "127.0.0.1:0" }
                scripts: { dir: "%s" }
                plugins:
                """.formatted(work.resolve("scripts")) + plugins);
    }

    /**
     * {@code bin/polyhook ARGS} from the repository root, so that the plugins folder, left at its
     * default, proves it resolves against the config file's folder.
     */
    private Process polyhook(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(ROOT.resolve("bin/polyhook").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        return pb.start();
    }

    private int startBroker() throws Exception {
        broker = polyhook("run", "--config", work.resolve("polyhook.yaml").toString());
        Thread.ofVirtual().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(broker.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    output.add(line);
                }
            } catch (IOException e) {
                output.add("(output ended: " + e + ")");
            }
        });
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (port(ADMIN_PORT).isEmpty() || port(MQTT_PORT).isEmpty()) {
            if (!broker.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("the broker did not start:\n" + String.join("\n", output));
            }
            Thread.sleep(50);
        }
        return port(MQTT_PORT).orElseThrow();
    }

    private Optional<Integer> port(Pattern p) {
        for (String line : output) {
            Matcher m = p.matcher(line);
            if (m.find()) {
                return Optional.of(Integer.parseInt(m.group(1)));
            }
        }
        return Optional.empty();
    }

    private Mqtt5BlockingClient client(String id, int port) {
        Mqtt5BlockingClient c = MqttClient.builder().useMqttVersion5().identifier(id).serverHost("127.0.0.1")
                .serverPort(port).buildBlocking();
        c.connectWith().cleanStart(true).send();
        clients.add(c);
        return c;
    }

    @Test
    void aDroppedInPluginsDenyReachesAnMqtt5ClientAndAProviderServesALuaScript() throws Exception {
        config("  json-guard: { prefix: \"json/\" }\n");
        int port = startBroker();
        Mqtt5BlockingClient client = client("sensor-1", port);

        Mqtt5PubAckException notJson = (Mqtt5PubAckException) catchPublish(client, "json/temp", "{not json");
        assertThat(notJson.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.PAYLOAD_FORMAT_INVALID);
        assertThat(notJson.getMqttMessage().getReasonString()).map(Object::toString).contains("payload is not JSON");
        client.publishWith().topic("json/temp").qos(MqttQos.AT_LEAST_ONCE).payload("{\"celsius\": 21.5}".getBytes(StandardCharsets.UTF_8)).send();

        Mqtt5PubAckException blank = (Mqtt5PubAckException) catchPublish(client, "text/note", "   ");
        assertThat(blank.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.PAYLOAD_FORMAT_INVALID);
        assertThat(blank.getMqttMessage().getReasonString()).map(Object::toString).contains("blank text");
        client.publishWith().topic("text/note").qos(MqttQos.AT_LEAST_ONCE).payload("hello".getBytes(StandardCharsets.UTF_8)).send();

        // Each ran with its own library: the plugin's jackson-core is not the broker's 2.23.
        assertThat(retained(client, "plugins/+/info")).containsExactlyInAnyOrder("jackson-core 2.17.2", "commons-lang3 3.10");
    }

    @Test
    void pluginListAndMetricsShowTheDroppedInPlugin() throws Exception {
        config("  json-guard: { prefix: \"json/\" }\n");
        int port = startBroker();
        catchPublish(client("sensor-1", port), "json/temp", "{not json");
        int admin = port(ADMIN_PORT).orElseThrow();

        Process list = polyhook("plugin", "list", "--admin", "127.0.0.1:" + admin);
        String table = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(list.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(list.exitValue()).as(table).isZero();
        assertThat(table).contains("json-guard", "1.0.0", "started", "auth_on_publish,auth_on_publish_m5",
                work.resolve("plugins/json-guard").toString());

        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + "/metrics"))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("polyhook_plugin_refused_total{plugin=\"json-guard\"} 1.0");
    }

    @Test
    void aConfigSectionForAPluginThatIsNotInstalledStopsTheStart() throws Exception {
        config("  json-guard: {}\n  jsn-guard: { prefix: \"json/\" }\n");

        Process run = polyhook("run", "--config", work.resolve("polyhook.yaml").toString());
        String out = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(run.waitFor(3, TimeUnit.MINUTES)).isTrue();

        assertThat(run.exitValue()).as(out).isEqualTo(2);
        assertThat(out).contains("plugins.jsn-guard: no plugin named jsn-guard is installed (installed: json-guard;");
    }

    private static Throwable catchPublish(Mqtt5BlockingClient client, String topic, String payload) {
        return org.assertj.core.api.Assertions.catchThrowable(() -> client.publishWith().topic(topic)
                .qos(MqttQos.AT_LEAST_ONCE).payload(payload.getBytes(StandardCharsets.UTF_8)).send());
    }

    private static List<String> retained(Mqtt5BlockingClient client, String filter) throws InterruptedException {
        List<String> got = new ArrayList<>();
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = client.publishes(MqttGlobalPublishFilter.SUBSCRIBED)) {
            client.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send();
            for (int i = 0; i < 2; i++) {
                Optional<Mqtt5Publish> p = publishes.receive(30, TimeUnit.SECONDS);
                p.ifPresent(m -> got.add(new String(m.getPayloadAsBytes(), StandardCharsets.UTF_8)));
            }
        }
        return got;
    }

    private static void copyFolder(Path from, Path to) {
        if (!Files.isDirectory(from)) {
            throw new AssertionError(from + " is missing: build it first (./mvnw -pl it-tests -am verify builds it)");
        }
        try (Stream<Path> files = Files.list(from)) {
            Files.createDirectories(to);
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
