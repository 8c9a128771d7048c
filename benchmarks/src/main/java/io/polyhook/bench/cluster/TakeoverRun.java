package io.polyhook.bench.cluster;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.polyhook.core.hook.internal.LatencyHistogram;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Takeover latency across cluster nodes: a client with a persistent session connects to node A,
 * the same client id then connects to node B; the time from B's CONNECT to its CONNACK (claim,
 * the old node closing its connection and handing the session over) is recorded. Alternates
 * between the two nodes, {@code --rounds} times (default 200), after 20 unmeasured ones.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.polyhook.bench.cluster.TakeoverRun --ports 18871,18872 --rounds 200
 * </pre>
 */
public final class TakeoverRun {

    private TakeoverRun() {
    }

    public static void main(String[] args) throws Exception {
        int[] ports = {18871, 18872};
        int rounds = 200;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--ports" -> {
                    String[] p = args[++i].split(",");
                    ports = new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1])};
                }
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        LatencyHistogram latency = new LatencyHistogram();
        List<Mqtt5BlockingClient> open = new ArrayList<>();
        for (int r = -20; r < rounds; r++) {
            Mqtt5BlockingClient c = MqttClient.builder().useMqttVersion5().identifier("takeover-bench")
                    .serverHost("127.0.0.1").serverPort(ports[(r + 20) % 2]).buildBlocking();
            long start = System.nanoTime();
            c.connectWith().cleanStart(false).sessionExpiryInterval(60).send();
            long took = System.nanoTime() - start;
            if (r == -20) {
                c.subscribeWith().topicFilter("takeover/#").qos(com.hivemq.client.mqtt.datatypes.MqttQos.AT_LEAST_ONCE)
                        .send();
            }
            if (r >= 0) {
                latency.record(took);
            }
            open.add(c);
        }
        // The taken-over clients were disconnected by the broker; the last one is still connected.
        open.getLast().disconnect();
        System.out.printf("takeovers across nodes: %d, p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", latency.count(),
                latency.percentileNanos(0.50) / 1e6, latency.percentileNanos(0.99) / 1e6,
                latency.percentileNanos(1.0) / 1e6);
        TimeUnit.MILLISECONDS.sleep(100);
    }
}
