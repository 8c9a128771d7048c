package io.polyhook.bench.load;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.message.connect.Mqtt3ConnectBuilder;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAck;
import io.polyhook.core.hook.internal.LatencyHistogram;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One bounded connection-rate run against a broker on loopback: {@code clients} MQTT 3.1.1
 * clients connect, at most {@code concurrency} CONNECTs in flight at a time, each with its own
 * client id and (optionally) a username and password; each disconnects as soon as its CONNACK
 * arrives. Measures admitted connections per second and CONNECT→CONNACK latency, and counts
 * every client that was not admitted: refused (by CONNACK return code), failed (no connection,
 * or no CONNACK before the time limit) or never started (the time limit came first).
 */
final class ConnectRun {

    /**
     * What one run measured.
     *
     * @param clients      clients the run was asked to connect
     * @param admitted     CONNACKs with return code 0
     * @param refused      refusing CONNACKs, by return code
     * @param failed       connections that failed otherwise or got no CONNACK before the time limit
     * @param seconds      from the first CONNECT to the last admitting CONNACK (or the time limit)
     * @param p50Micros    median CONNECT→CONNACK latency of admitted clients
     * @param p99Micros    99th percentile of the same
     */
    record Result(int clients, long admitted, Map<String, Long> refused, long failed, double seconds,
                  double p50Micros, double p99Micros) {

        double connectionsPerSecond() {
            return admitted / seconds;
        }

        long refusedCount() {
            return refused.values().stream().mapToLong(Long::longValue).sum();
        }

        /** Clients that were not admitted for any reason (refused, failed, never started). */
        long notAdmitted() {
            return clients - admitted;
        }
    }

    private final String host;
    private final int port;
    private final String clientIdPattern;
    private final String usernamePattern;
    private final byte[] password;

    /**
     * @param clientIdPattern a {@link String#format} pattern of the client id, given the client's index
     * @param usernamePattern the same for the username; null for clients without credentials
     * @param password        every client's password (with a username only)
     */
    ConnectRun(String host, int port, String clientIdPattern, String usernamePattern, String password) {
        LoadRun.requireLoopback(host);
        if (usernamePattern != null && password == null) {
            throw new IllegalArgumentException("a username pattern needs a password");
        }
        this.host = host;
        this.port = port;
        this.clientIdPattern = clientIdPattern;
        this.usernamePattern = usernamePattern;
        this.password = password == null ? null : password.getBytes(StandardCharsets.UTF_8);
    }

    Result run(int clients, int concurrency, Duration limit) throws InterruptedException {
        LatencyHistogram latency = new LatencyHistogram();
        AtomicLong admitted = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong lastAdmitted = new AtomicLong();
        Map<String, Long> refused = new TreeMap<>();
        Semaphore inFlight = new Semaphore(concurrency);
        List<CompletableFuture<?>> disconnects = new ArrayList<>();
        List<Mqtt3AsyncClient> started = new ArrayList<>();
        long start = System.nanoTime();
        long deadline = start + limit.toNanos();
        for (int i = 0; i < clients; i++) {
            if (!inFlight.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                break;
            }
            Mqtt3AsyncClient client = MqttClient.builder().useMqttVersion3()
                    .identifier(String.format(clientIdPattern, i)).serverHost(host).serverPort(port).buildAsync();
            started.add(client);
            Mqtt3ConnectBuilder.Send<CompletableFuture<Mqtt3ConnAck>> connect =
                    client.connectWith().cleanSession(true).keepAlive(60);
            if (usernamePattern != null) {
                connect = connect.simpleAuth().username(String.format(usernamePattern, i)).password(password)
                        .applySimpleAuth();
            }
            long sentAt = System.nanoTime();
            connect.send().whenComplete((ack, error) -> {
                long now = System.nanoTime();
                if (error == null) {
                    latency.record(now - sentAt);
                    admitted.incrementAndGet();
                    lastAdmitted.accumulateAndGet(now, Math::max);
                    CompletableFuture<Void> bye = client.disconnect();
                    synchronized (disconnects) {
                        disconnects.add(bye);
                    }
                } else if (unwrap(error) instanceof Mqtt3ConnAckException refusal) {
                    synchronized (refused) {
                        refused.merge(refusal.getMqttMessage().getReturnCode().name(), 1L, Long::sum);
                    }
                } else {
                    failed.incrementAndGet();
                }
                inFlight.release();
            });
        }
        // Every started CONNECT is answered, or the time limit is reached.
        boolean allAnswered = inFlight.tryAcquire(concurrency, Math.max(0, deadline - System.nanoTime()),
                TimeUnit.NANOSECONDS);
        long end = allAnswered && admitted.get() > 0 ? lastAdmitted.get() : System.nanoTime();
        Map<String, Long> refusedSnapshot;
        synchronized (refused) {
            refusedSnapshot = Map.copyOf(refused);
        }
        long answered = admitted.get() + failed.get() + refusedSnapshot.values().stream().mapToLong(Long::longValue).sum();
        // CONNECTs still without an answer at the time limit count as failed.
        long unanswered = started.size() - answered;
        Result result = new Result(clients, admitted.get(), refusedSnapshot, failed.get() + unanswered,
                Math.max(1e-9, (end - start) / 1e9), latency.percentileNanos(0.5) / 1000.0,
                latency.percentileNanos(0.99) / 1000.0);
        awaitDisconnects(disconnects, started);
        return result;
    }

    /** Lets the broker see every client go before the next run reuses their client ids. */
    private static void awaitDisconnects(List<CompletableFuture<?>> disconnects, List<Mqtt3AsyncClient> started) {
        CompletableFuture<?>[] all;
        synchronized (disconnects) {
            all = disconnects.toArray(CompletableFuture[]::new);
        }
        try {
            CompletableFuture.allOf(all).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException ignored) {
            // a client whose DISCONNECT failed is gone anyway once the run is over
        }
        for (Mqtt3AsyncClient c : started) {
            if (c.getState().isConnectedOrReconnect()) {
                c.disconnect();
            }
        }
    }

    private static Throwable unwrap(Throwable error) {
        Throwable e = error;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
