package io.polyhook.bench.load;

import io.netty.channel.EventLoopGroup;
import io.polyhook.core.hook.internal.LatencyHistogram;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One bounded run of a {@link Scenario} against a broker on loopback: connects the clients,
 * publishes a fixed number of messages (optionally at a fixed total rate), and measures
 * deliveries per second and end-to-end latency (the send time travels in the payload).
 * Every client is a {@link LeanClient}, which costs the shared cores little per message.
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
     * @param sendLagP99Micros 99th percentile of the generator's own part of it: from the send
     *                     time in the payload to the publisher's write to the socket
     */
    record Result(long sent, long received, long expected, double seconds, double p50Micros, double p99Micros,
                  double sendLagP99Micros) {
        double deliveriesPerSecond() {
            return received / seconds;
        }

        /**
         * Two runs as one: counts and time added (so the rate is over both), latency percentiles
         * the mean of the two runs' (an approximation: the histograms are not kept).
         */
        Result and(Result other) {
            return new Result(sent + other.sent, received + other.received, expected + other.expected,
                    seconds + other.seconds, (p50Micros + other.p50Micros) / 2, (p99Micros + other.p99Micros) / 2,
                    (sendLagP99Micros + other.sendLagP99Micros) / 2);
        }
    }

    /**
     * The subscribers' sessions, from {@code -Dbench.sessions}: {@code clean} (the default),
     * {@code persistent} (clean session off: every QoS 1/2 message goes through a broker's
     * persistence), {@code offline} (persistent, and offline while the messages are published: the
     * rate is that of the publishers' acknowledgements into the offline queues; the subscribers
     * then reconnect and take the queue, and the run waits for that too, outside the time).
     */
    enum Sessions {
        CLEAN, PERSISTENT, OFFLINE;

        static Sessions current() {
            return valueOf(System.getProperty("bench.sessions", "clean").toUpperCase(java.util.Locale.ROOT));
        }
    }

    private final String host;
    private final int port;
    private final Scenario scenario;
    private final int qos;
    private final int payloadSize;
    private final String username;
    private final byte[] password;
    // Across cluster nodes: where the subscribers connect, and how long their routes get to reach the publishers' node.
    private int subscriberPort = -1;
    private long settleMillis;
    private Outliers outliers;

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
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("QoS is 0, 1 or 2, not " + qos);
        }
        this.qos = qos;
        this.payloadSize = Math.max(8, payloadSize);
        this.username = username;
        this.password = password == null ? null : password.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * This run with its subscribers on another node of a cluster ({@code port}), and
     * {@code millis} for their routes to reach the publishers' node before the first publish.
     */
    LoadRun subscribersAt(int port, long millis) {
        subscriberPort = port;
        settleMillis = millis;
        return this;
    }

    /** This run with the subscribers' slow messages recorded in {@code outliers}. */
    LoadRun recordingOutliers(Outliers outliers) {
        this.outliers = outliers;
        return this;
    }

    static void requireLoopback(String host) {
        if (!host.equals("127.0.0.1") && !host.equals("localhost") && !host.equals("::1")) {
            throw new IllegalArgumentException("load runs only against loopback, not " + host);
        }
    }

    Result run(long messages, double ratePerSecond, Duration limit) throws Exception {
        List<LeanClient> publishers = new ArrayList<>();
        List<LeanClient> subscribers = new ArrayList<>();
        EventLoopGroup loops = LeanClient.eventLoops();
        LatencyHistogram latency = new LatencyHistogram();
        LatencyHistogram sendLag = new LatencyHistogram();
        long expected = messages * scenario.fanOut();
        String run = Long.toHexString(System.nanoTime());
        try {
            for (int s = 0; s < scenario.subscribers(); s++) {
                subscribers.add(LeanClient.subscriber(loops, host, subscriberPort > 0 ? subscriberPort : port,
                        "bench-sub-" + run + "-" + s,
                        username, password, scenario.subscribeFilter(s), qos, latency::record, outliers)
                        .get(30, TimeUnit.SECONDS));
            }
            if (settleMillis > 0) {
                // Routes travel asynchronously between nodes: a publish before they arrive reaches nobody.
                Thread.sleep(settleMillis);
            }
            // A window per publisher: unacknowledged (QoS 1/2) or not yet written (QoS 0) publishes.
            int window = qos == 0 ? 2_000 : 200;
            for (int p = 0; p < scenario.publishers(); p++) {
                publishers.add(LeanClient.publisher(loops, host, port, "bench-pub-" + run + "-" + p, username,
                        password, scenario.publishTopic(p), qos, payloadSize, window, sendLag::record)
                        .get(30, TimeUnit.SECONDS));
            }
            Sessions sessions = Sessions.current();
            if (sessions == Sessions.OFFLINE) {
                subscribers.forEach(c -> c.disconnect(5_000));
            }
            long start = System.nanoTime();
            if (outliers != null) {
                outliers.started(start);
            }
            long deadline = start + limit.toNanos();
            long sent = publish(publishers, messages, ratePerSecond, start, deadline);
            long target = Math.min(expected, sent * scenario.fanOut());
            if (sessions == Sessions.OFFLINE) {
                while (outstanding(publishers) > 0 && System.nanoTime() < deadline && failure(publishers) == null) {
                    Thread.sleep(5);
                }
                long acked = System.nanoTime();
                subscribers.clear();
                for (int s = 0; s < scenario.subscribers(); s++) {
                    subscribers.add(LeanClient.subscriber(loops, host, port, "bench-sub-" + run + "-" + s,
                            username, password, scenario.subscribeFilter(s), qos, latency::record)
                            .get(30, TimeUnit.SECONDS));
                }
                long drainDeadline = System.nanoTime() + limit.toNanos();
                while (received(subscribers) < target && System.nanoTime() < drainDeadline
                        && failure(subscribers) == null) {
                    Thread.sleep(5);
                }
                return new Result(sent, received(subscribers), expected, Math.max(1e-9, (acked - start) / 1e9),
                        latency.percentileNanos(0.5) / 1000.0, latency.percentileNanos(0.99) / 1000.0,
                        sendLag.percentileNanos(0.99) / 1000.0);
            }
            List<LeanClient> everyone = new ArrayList<>(subscribers);
            everyone.addAll(publishers);
            while ((received(subscribers) < target || outstanding(publishers) > 0) && System.nanoTime() < deadline
                    && failure(everyone) == null) {
                Thread.sleep(5);
            }
            if (failure(everyone) != null) {
                throw new IllegalStateException("a client failed during the run", failure(everyone));
            }
            long received = received(subscribers);
            long end = received >= expected
                    ? subscribers.stream().mapToLong(LeanClient::lastDeliveryNanos).max().orElse(start)
                    : System.nanoTime();
            double seconds = Math.max(1e-9, (end - start) / 1e9);
            return new Result(sent, received, expected, seconds, latency.percentileNanos(0.5) / 1000.0,
                    latency.percentileNanos(0.99) / 1000.0, sendLag.percentileNanos(0.99) / 1000.0);
        } finally {
            publishers.forEach(c -> c.disconnect(5_000));
            subscribers.forEach(c -> c.disconnect(5_000));
            if (Sessions.current() != Sessions.CLEAN) {
                endSessions(loops, run);
            }
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** Ends the persistent sessions of this run (a clean-session connect with their ids), so the next run does not feed them. */
    private void endSessions(EventLoopGroup loops, String run) {
        String before = System.getProperty("bench.sessions");
        System.setProperty("bench.sessions", "clean");
        try {
            for (int s = 0; s < scenario.subscribers(); s++) {
                LeanClient.subscriber(loops, host, port, "bench-sub-" + run + "-" + s, username, password,
                        scenario.subscribeFilter(s), 0, n -> { }).get(30, TimeUnit.SECONDS).disconnect(5_000);
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not end the run's persistent sessions", e);
        } finally {
            System.setProperty("bench.sessions", before);
        }
    }

    private static long received(List<LeanClient> subscribers) {
        long n = 0;
        for (LeanClient s : subscribers) {
            n += s.received();
        }
        return n;
    }

    private static long outstanding(List<LeanClient> publishers) {
        long n = 0;
        for (LeanClient p : publishers) {
            n += p.outstanding();
        }
        return n;
    }

    private static Throwable failure(List<LeanClient> clients) {
        for (LeanClient c : clients) {
            if (c.failure() != null) {
                return c.failure();
            }
        }
        return null;
    }

    private long publish(List<LeanClient> publishers, long messages, double ratePerSecond, long start,
                         long deadline) throws InterruptedException {
        long intervalNanos = ratePerSecond > 0 ? (long) (1e9 / ratePerSecond) : 0;
        long sent = 0;
        for (; sent < messages && System.nanoTime() < deadline; sent++) {
            if (intervalNanos > 0) {
                long due = start + sent * intervalNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
            if (!publishers.get((int) (sent % publishers.size())).publish(deadline)) {
                break;
            }
        }
        return sent;
    }
}
