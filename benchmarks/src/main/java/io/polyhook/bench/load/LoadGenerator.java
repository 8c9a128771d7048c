package io.polyhook.bench.load;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A bounded MQTT load generator for brokers on loopback. Runs each scenario at QoS 0 and/or 1
 * with a fixed message count and a time limit, prints deliveries per second and p50/p99
 * end-to-end latency, and (with {@code --mosquitto}) runs the same load against a mosquitto it
 * starts on a free port, printing our/their ratio.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.polyhook.bench.load.LoadGenerator \
 *     --port 1883 --scenarios 1to1,fanin,fanout,100to100 --qos 0,1 --messages 200000 [--rate 20000] [--mosquitto]
 * </pre>
 *
 * <p>Each measured run follows an unmeasured warm-up run of the same shape against the same broker
 * ({@code --warmup}, a fifth of the messages by default; 0 for none): a JVM broker and this JVM's
 * client would otherwise be measured while still interpreted, and the broker that goes first would
 * also get the colder client.
 */
public final class LoadGenerator {

    private LoadGenerator() {
    }

    public static void main(String[] args) throws Exception {
        String host = "127.0.0.1";
        int port = 1883;
        List<String> scenarios = List.of("1to1", "fanin", "fanout", "100to100");
        List<Integer> qosLevels = List.of(0, 1);
        long messages = 100_000;
        double rate = 0;
        int payload = 64;
        Duration limit = Duration.ofSeconds(60);
        boolean mosquitto = false;
        long warmup = -1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--host" -> host = args[++i];
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--scenarios" -> scenarios = List.of(args[++i].split(","));
                case "--qos" -> qosLevels = List.of(args[++i].split(",")).stream().map(Integer::parseInt).toList();
                case "--messages" -> messages = Long.parseLong(args[++i]);
                case "--rate" -> rate = Double.parseDouble(args[++i]);
                case "--payload" -> payload = Integer.parseInt(args[++i]);
                case "--limit-seconds" -> limit = Duration.ofSeconds(Long.parseLong(args[++i]));
                case "--mosquitto" -> mosquitto = true;
                case "--warmup" -> warmup = Long.parseLong(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        long warm = warmup >= 0 ? warmup : messages / 5;
        Process other = mosquitto ? startMosquitto() : null;
        int otherPort = other == null ? -1 : mosquittoPort;
        try {
            System.out.printf(Locale.ROOT, "%-9s %-3s %10s %10s %12s %10s %10s%s%n", "scenario", "qos", "sent", "received",
                    "msgs/s", "p50 us", "p99 us", other == null ? "" : String.format("%12s %10s %10s %7s",
                            "mosq msgs/s", "mosq p50", "mosq p99", "ratio"));
            for (String name : scenarios) {
                for (int qos : qosLevels) {
                    Scenario scenario = Scenario.named(name);
                    if (warm > 0) {
                        // Both brokers before either is measured, so that neither gets the colder client.
                        new LoadRun(host, port, scenario, qos, payload).run(warm, rate, limit);
                        if (other != null) {
                            new LoadRun("127.0.0.1", otherPort, scenario, qos, payload).run(warm, rate, limit);
                        }
                    }
                    LoadRun.Result ours = new LoadRun(host, port, scenario, qos, payload).run(messages, rate, limit);
                    String line = String.format(Locale.ROOT, "%-9s %-3d %10d %10d %12.0f %10.0f %10.0f", name, qos,
                            ours.sent(), ours.received(), ours.deliveriesPerSecond(), ours.p50Micros(), ours.p99Micros());
                    if (other != null) {
                        LoadRun.Result theirs = new LoadRun("127.0.0.1", otherPort, scenario, qos, payload)
                                .run(messages, rate, limit);
                        line += String.format(Locale.ROOT, " %12.0f %10.0f %10.0f %7.2f", theirs.deliveriesPerSecond(),
                                theirs.p50Micros(), theirs.p99Micros(),
                                ours.deliveriesPerSecond() / theirs.deliveriesPerSecond());
                    }
                    System.out.println(line);
                }
            }
        } finally {
            if (other != null) {
                other.destroy();
            }
        }
    }

    private static int mosquittoPort;

    private static Process startMosquitto() throws IOException, InterruptedException {
        Path binary = Path.of("/usr/sbin/mosquitto");
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException("mosquitto is not installed (apt-get install mosquitto)");
        }
        try (ServerSocket s = new ServerSocket(0)) {
            mosquittoPort = s.getLocalPort();
        }
        Path conf = Files.createTempFile("mosquitto-bench", ".conf");
        Files.writeString(conf, "listener " + mosquittoPort + " 127.0.0.1\nallow_anonymous true\nmax_queued_messages 100000\n");
        List<String> command = new ArrayList<>(List.of(binary.toString(), "-c", conf.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket ignored = new Socket("127.0.0.1", mosquittoPort)) {
                return p;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        p.destroy();
        throw new IllegalStateException("mosquitto did not start on port " + mosquittoPort);
    }
}
