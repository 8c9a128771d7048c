package io.polyhook.it;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.polyhook.it.PublishSubscribeTest.bytes;
import static io.polyhook.it.PublishSubscribeTest.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A broker process ({@code polyhook run} with {@code persistence} on) killed with SIGKILL five
 * times while real MQTT clients publish QoS 1 and QoS 2 messages to offline persistent sessions:
 * afterwards every acknowledged message is delivered (QoS 1 at least once, QoS 2 exactly once),
 * in the order each publisher sent them.
 */
class PersistenceKillTest {

    private static final int ROUNDS = 5;

    @TempDir
    Path dir;

    private Process broker;
    private int port;

    /** Starts the broker process on a fresh port and waits until it accepts connections. */
    private void startBroker(int round) throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path config = Files.writeString(dir.resolve("polyhook.yaml"), """
                broker: { allow_anonymous: true, max_offline_messages: 1000000, max_offline_bytes: 1GiB }
                listeners: [{ type: tcp, address: "127.0.0.1:%d" }]
                scripts: { dir: "%s" }
                admin: { address: "127.0.0.1:0" }
                persistence: { dir: data, sync: batch }
                """.formatted(port, Files.createDirectories(dir.resolve("scripts"))));
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "io.polyhook.broker.cli.PolyhookCommand", "run", "--config", config.toString());
        broker = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("broker-" + round + ".log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            assertThat(broker.isAlive()).as("broker process of round %d is running (see its log)", round).isTrue();
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("the broker did not start within 120 s: " + Files.readString(dir.resolve("broker-" + round + ".log")));
    }

    private void kill9() throws InterruptedException {
        broker.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no flush
        assertThat(broker.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }

    private Mqtt5BlockingClient client(String id) {
        return MqttClient.builder().useMqttVersion5().identifier(id).serverHost("127.0.0.1").serverPort(port).buildBlocking();
    }

    /** One publisher: numbered messages, one at a time; {@link #acked} holds those whose PUBACK/PUBCOMP came. */
    private final class Publisher implements Runnable {
        final String topic;
        final MqttQos qos;
        final List<Integer> acked = new ArrayList<>();
        int next;
        AtomicBoolean stop;

        Publisher(String topic, MqttQos qos) {
            this.topic = topic;
            this.qos = qos;
        }

        @Override
        public void run() {
            Mqtt5BlockingClient c = client("pub-" + topic.replace('/', '-'));
            try {
                c.connect();
                while (!stop.get()) {
                    int n = next++;
                    c.publishWith().topic(topic).qos(qos).payload(bytes(Integer.toString(n))).send();
                    acked.add(n);
                }
                c.disconnect();
            } catch (RuntimeException killed) {
                // The broker went away mid-publish: that message may or may not have been stored.
            }
        }
    }

    @Test
    void everyAcknowledgedMessageSurvivesFiveKillsInOrderQos2ExactlyOnce() throws Exception {
        startBroker(0);
        for (String[] s : new String[][] {{"sub-q1", "k/q1"}, {"sub-q2", "k/q2"}}) {
            Mqtt5BlockingClient c = client(s[0]);
            c.connectWith().cleanStart(true).sessionExpiryInterval(3600).send();
            c.subscribeWith().topicFilter(s[1]).qos(MqttQos.EXACTLY_ONCE).send();
            c.disconnect();
        }
        Publisher q1 = new Publisher("k/q1", MqttQos.AT_LEAST_ONCE);
        Publisher q2 = new Publisher("k/q2", MqttQos.EXACTLY_ONCE);
        for (int round = 1; round <= ROUNDS; round++) {
            if (round > 1) {
                startBroker(round);
            }
            AtomicBoolean stop = new AtomicBoolean();
            q1.stop = stop;
            q2.stop = stop;
            Thread t1 = new Thread(q1, "publisher-q1");
            Thread t2 = new Thread(q2, "publisher-q2");
            t1.start();
            t2.start();
            Thread.sleep(ThreadLocalRandom.current().nextLong(500, 2_000));
            kill9();
            t1.join(60_000);
            t2.join(60_000);
            assertThat(t1.isAlive() || t2.isAlive()).as("publishers end when the broker dies").isFalse();
        }
        assertThat(q1.acked).as("some QoS 1 messages were acknowledged").isNotEmpty();
        assertThat(q2.acked).as("some QoS 2 messages were acknowledged").isNotEmpty();

        startBroker(ROUNDS + 1);
        try {
            List<Integer> got1 = drain("sub-q1");
            List<Integer> got2 = drain("sub-q2");
            System.out.printf("after %d kills: QoS 1 %d acknowledged, %d delivered; QoS 2 %d acknowledged, %d delivered%n",
                    ROUNDS, q1.acked.size(), got1.size(), q2.acked.size(), got2.size());
            assertThat(got1).as("QoS 1: every acknowledged message at least once").containsAll(q1.acked);
            assertThat(new ArrayList<>(new LinkedHashSet<>(got1))).as("QoS 1: in the order published").isSorted();
            assertThat(got2).as("QoS 2: every acknowledged message").containsAll(q2.acked);
            assertThat(got2).as("QoS 2: exactly once").doesNotHaveDuplicates();
            assertThat(got2).as("QoS 2: in the order published").isSorted();
        } finally {
            broker.destroy();
            broker.waitFor(60, TimeUnit.SECONDS);
        }
    }

    /** Everything queued for {@code id}, until nothing more comes for 3 s. */
    private List<Integer> drain(String id) throws InterruptedException {
        Mqtt5BlockingClient c = client(id);
        List<Integer> got = new ArrayList<>();
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = c.publishes(MqttGlobalPublishFilter.ALL)) {
            assertThat(c.connectWith().cleanStart(false).sessionExpiryInterval(3600).send().isSessionPresent()).isTrue();
            Optional<Mqtt5Publish> p;
            while ((p = publishes.receive(got.isEmpty() ? 30 : 3, TimeUnit.SECONDS)).isPresent()) {
                got.add(Integer.parseInt(text(p.get().getPayloadAsBytes())));
            }
        }
        c.disconnect();
        return got;
    }
}
