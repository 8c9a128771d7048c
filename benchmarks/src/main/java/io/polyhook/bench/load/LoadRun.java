package io.polyhook.bench.load;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import io.netty.channel.EventLoopGroup;
import io.polyhook.core.hook.LatencyHistogram;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One bounded run of a {@link Scenario} against a broker on loopback: connects the clients,
 * publishes a fixed number of messages (optionally at a fixed total rate), and measures
 * deliveries per second and end-to-end latency (the send time travels in the payload).
 * Publishers are HiveMQ MQTT clients; subscribers are {@link LeanSubscriber}s, which cost the
 * shared cores little per message.
 */
final class LoadRun {

    /**
     * What one run measured.
     *
     * @param sent         messages published
     * @param received     messages delivered to subscribers
     * @param expected     deliveries expected (sent × fan-out)
     * @param seconds      from the first publish to the last delivery (or the time limit)
     * @param p50Micros    median end-to-end latency
     * @param p99Micros    99th percentile end-to-end latency
     */
    record Result(long sent, long received, long expected, double seconds, double p50Micros, double p99Micros) {
        double deliveriesPerSecond() {
            return received / seconds;
        }

        /**
         * Two runs as one: counts and time added (so the rate is over both), latency percentiles
         * the mean of the two runs' (an approximation: the histograms are not kept).
         */
        Result and(Result other) {
            return new Result(sent + other.sent, received + other.received, expected + other.expected,
                    seconds + other.seconds, (p50Micros + other.p50Micros) / 2, (p99Micros + other.p99Micros) / 2);
        }
    }

    private final String host;
    private final int port;
    private final Scenario scenario;
    private final MqttQos qos;
    private final int payloadSize;
    private final String username;
    private final byte[] password;

    LoadRun(String host, int port, Scenario scenario, int qos, int payloadSize) {
        this(host, port, scenario, qos, payloadSize, null, null);
    }

    /**
     * A run whose clients all log in as {@code username} (null: no credentials); the broker must
     * admit any client id for it, e.g. with a {@code *} entry of the bundled auth scripts.
     */
    LoadRun(String host, int port, Scenario scenario, int qos, int payloadSize, String username, String password) {
        requireLoopback(host);
        if (username != null && password == null) {
            throw new IllegalArgumentException("a username needs a password");
        }
        this.host = host;
        this.port = port;
        this.scenario = scenario;
        this.qos = MqttQos.fromCode(qos);
        this.payloadSize = Math.max(8, payloadSize);
        this.username = username;
        this.password = password == null ? null : password.getBytes(StandardCharsets.UTF_8);
    }

    static void requireLoopback(String host) {
        if (!host.equals("127.0.0.1") && !host.equals("localhost") && !host.equals("::1")) {
            throw new IllegalArgumentException("load runs only against loopback, not " + host);
        }
    }

    Result run(long messages, double ratePerSecond, Duration limit) throws Exception {
        List<Mqtt3AsyncClient> publishers = new ArrayList<>();
        List<LeanSubscriber> subscribers = new ArrayList<>();
        EventLoopGroup subscriberLoops = LeanSubscriber.eventLoops();
        LatencyHistogram latency = new LatencyHistogram();
        long expected = messages * scenario.fanOut();
        String run = Long.toHexString(System.nanoTime());
        try {
            for (int s = 0; s < scenario.subscribers(); s++) {
                subscribers.add(LeanSubscriber.connect(subscriberLoops, host, port, "bench-sub-" + run + "-" + s,
                        username, password, scenario.subscribeFilter(s), qos.getCode(), latency::record)
                        .get(30, TimeUnit.SECONDS));
            }
            for (int p = 0; p < scenario.publishers(); p++) {
                publishers.add(client("bench-pub-" + run + "-" + p));
            }
            long start = System.nanoTime();
            long deadline = start + limit.toNanos();
            long sent = publish(publishers, messages, ratePerSecond, start, deadline);
            long target = Math.min(expected, sent * scenario.fanOut());
            while (received(subscribers) < target && System.nanoTime() < deadline && failure(subscribers) == null) {
                Thread.sleep(5);
            }
            if (failure(subscribers) != null) {
                throw new IllegalStateException("a subscriber failed during the run", failure(subscribers));
            }
            long received = received(subscribers);
            long end = received >= expected
                    ? subscribers.stream().mapToLong(LeanSubscriber::lastDeliveryNanos).max().orElse(start)
                    : System.nanoTime();
            double seconds = Math.max(1e-9, (end - start) / 1e9);
            return new Result(sent, received, expected, seconds, latency.percentileNanos(0.5) / 1000.0,
                    latency.percentileNanos(0.99) / 1000.0);
        } finally {
            for (Mqtt3AsyncClient c : publishers) {
                try {
                    c.disconnect().get(5, TimeUnit.SECONDS);
                } catch (Exception ignored) {
                    // the broker may already be gone; the run is over either way
                }
            }
            subscribers.forEach(s -> s.disconnect(5_000));
            subscriberLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static long received(List<LeanSubscriber> subscribers) {
        long n = 0;
        for (LeanSubscriber s : subscribers) {
            n += s.received();
        }
        return n;
    }

    private static Throwable failure(List<LeanSubscriber> subscribers) {
        for (LeanSubscriber s : subscribers) {
            if (s.failure() != null) {
                return s.failure();
            }
        }
        return null;
    }

    private long publish(List<Mqtt3AsyncClient> publishers, long messages, double ratePerSecond, long start,
                         long deadline) throws InterruptedException {
        // A window of unacknowledged publishes per publisher keeps QoS 0 from flooding the socket buffers.
        Semaphore[] windows = new Semaphore[publishers.size()];
        for (int i = 0; i < windows.length; i++) {
            windows[i] = new Semaphore(qos == MqttQos.AT_MOST_ONCE ? 2_000 : 200);
        }
        long intervalNanos = ratePerSecond > 0 ? (long) (1e9 / ratePerSecond) : 0;
        long sent = 0;
        List<CompletableFuture<?>> tail = new ArrayList<>();
        for (; sent < messages && System.nanoTime() < deadline; sent++) {
            if (intervalNanos > 0) {
                long due = start + sent * intervalNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
            int p = (int) (sent % publishers.size());
            Semaphore window = windows[p];
            window.acquire();
            ByteBuffer payload = ByteBuffer.allocate(payloadSize);
            payload.putLong(0, System.nanoTime());
            CompletableFuture<?> f = publishers.get(p).publishWith().topic(scenario.publishTopic(p)).qos(qos)
                    .payload(payload).send().whenComplete((r, e) -> window.release());
            if (messages - sent <= publishers.size()) {
                tail.add(f);
            }
        }
        CompletableFuture.allOf(tail.toArray(CompletableFuture[]::new)).join();
        return sent;
    }

    private Mqtt3AsyncClient client(String id) throws Exception {
        Mqtt3AsyncClient c = MqttClient.builder().useMqttVersion3().identifier(id).serverHost(host).serverPort(port)
                .buildAsync();
        if (username == null) {
            c.connectWith().cleanSession(true).keepAlive(60).send().get(30, TimeUnit.SECONDS);
        } else {
            c.connectWith().cleanSession(true).keepAlive(60).simpleAuth().username(username).password(password)
                    .applySimpleAuth().send().get(30, TimeUnit.SECONDS);
        }
        return c;
    }
}
