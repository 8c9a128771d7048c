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
 * with a fixed message count and a time limit, prints deliveries per second, p50/p99
 * end-to-end latency and the p99 of the generator's own part of it ({@code lag p99}: from the send
 * time to the publisher's write to the socket), and (with {@code --mosquitto}) runs the same load against a mosquitto it
 * starts on a free port, printing our/their ratio.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.polyhook.bench.load.LoadGenerator \
 *     --port 1883 --scenarios 1to1,fanin,fanout,100to100 --qos 0,1 --messages 200000 [--rate 20000] [--mosquitto]
 * </pre>
 *
 * <p>With {@code -Dbench.sessions=persistent} the subscribers connect with clean session off, and
 * with {@code -Dbench.sessions=offline} they are offline while the messages are published (see
 * {@code LoadRun.Sessions}; {@code benchmarks/run-persistence.sh}).
 *
 * <p>{@code --broker-pid PID} adds a column {@code cpu us/msg}: the CPU time the process PID (the
 * broker on {@code --port}) used during the measured run, divided by the messages delivered
 * ({@link ProcessCpu}, Linux only). On a machine whose cores other work shares, it is the steadier
 * measure of what a message costs the broker; it is not printed for mosquitto. A column
 * {@code wake/msg} next to it counts the broker's thread wake-ups per message
 * ({@link ProcessCpu#wakeups}).
 *
 * <p>With {@code --mosquitto} each broker is measured twice, in the order ours, theirs, theirs,
 * ours, and each line reports both runs together ({@link LoadRun.Result#and}).
 *
 * <p>Each measured run follows an unmeasured warm-up run of the same shape against the same broker
 * ({@code --warmup}, a fifth of the messages by default; 0 for none): a JVM broker and this JVM's
 * client would otherwise be measured while still interpreted, and the broker that goes first would
 * also get the colder client. {@code --rounds n} makes n measured runs in a row (one line each),
 * to see how a broker's rate grows while its compilers catch up.
 *
 * <p>{@code --outliers FILE} appends to FILE, for every measured run, the messages slower than
 * {@code --outlier-micros} (default 1,000) with their wall-clock send times and the split of their
 * latency into the generator's part and the broker's ({@link Outliers}), labelled {@code ours} or
 * {@code mosquitto} with the run's number, so that stalls can be matched by time to the broker's
 * GC log or flight recording.
 *
 * <p>The scenario {@code connect} measures the connection rate instead ({@link ConnectRun}):
 * {@code --clients} clients connect, {@code --concurrency} CONNECTs in flight at a time, each
 * with the client id {@code --client-id-pattern} (a {@link String#format} pattern given the
 * client's index; by default the username pattern, else {@code bench-conn-%d}) and, with
 * {@code --username-pattern}, that username and the password. The warm-up connects a fifth of
 * the clients first. Clients that were not admitted are printed and make the exit status 2.
 *
 * <pre>
 * POLYHOOK_BENCH_PASSWORD=... java -cp benchmarks/target/benchmarks.jar io.polyhook.bench.load.LoadGenerator \
 *     --port 1883 --scenarios connect --clients 300 --concurrency 8 --username-pattern bench-%d
 * </pre>
 *
 * <p>The password is read from the environment variable {@value #PASSWORD_ENV} (so that it is not
 * in the process list), or from {@code --password}. {@code --username} makes the clients of the
 * publish scenarios log in as that user.
 */
public final class LoadGenerator {

    /** The environment variable holding the clients' password. */
    static final String PASSWORD_ENV = "POLYHOOK_BENCH_PASSWORD";

    private LoadGenerator() {
    }

    public static void main(String[] args) throws Exception {
        String host = "127.0.0.1";
        int port = 1883;
        int subPort = -1;
        long settleMillis = 0;
        List<String> scenarios = List.of("1to1", "fanin", "fanout", "100to100");
        List<Integer> qosLevels = List.of(0, 1);
        long messages = 100_000;
        double rate = 0;
        int payload = 64;
        Duration limit = Duration.ofSeconds(60);
        boolean mosquitto = false;
        long warmup = -1;
        int rounds = 1;
        int clients = 1_000;
        int concurrency = 8;
        String clientIdPattern = null;
        String usernamePattern = null;
        String username = null;
        String password = System.getenv(PASSWORD_ENV);
        ProcessCpu brokerCpu = null;
        Path outlierFile = null;
        long outlierMicros = 1_000;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--host" -> host = args[++i];
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--sub-port" -> subPort = Integer.parseInt(args[++i]);
                case "--settle-ms" -> settleMillis = Long.parseLong(args[++i]);
                case "--scenarios" -> scenarios = List.of(args[++i].split(","));
                case "--qos" -> qosLevels = List.of(args[++i].split(",")).stream().map(Integer::parseInt).toList();
                case "--messages" -> messages = Long.parseLong(args[++i]);
                case "--rate" -> rate = Double.parseDouble(args[++i]);
                case "--payload" -> payload = Integer.parseInt(args[++i]);
                case "--limit-seconds" -> limit = Duration.ofSeconds(Long.parseLong(args[++i]));
                case "--mosquitto" -> mosquitto = true;
                case "--warmup" -> warmup = Long.parseLong(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--clients" -> clients = Integer.parseInt(args[++i]);
                case "--concurrency" -> concurrency = Integer.parseInt(args[++i]);
                case "--client-id-pattern" -> clientIdPattern = args[++i];
                case "--username-pattern" -> usernamePattern = args[++i];
                case "--username" -> username = args[++i];
                case "--password" -> password = args[++i];
                case "--outliers" -> outlierFile = Path.of(args[++i]);
                case "--outlier-micros" -> outlierMicros = Long.parseLong(args[++i]);
                case "--broker-pid" -> brokerCpu = new ProcessCpu(Long.parseLong(args[++i]));
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if ((usernamePattern != null || username != null) && password == null) {
            throw new IllegalArgumentException("a username needs a password: set " + PASSWORD_ENV);
        }
        long warm = warmup >= 0 ? warmup : messages / 5;
        Process other = mosquitto ? startMosquitto() : null;
        int otherPort = other == null ? -1 : mosquittoPort;
        boolean allAdmitted = true;
        boolean publishHeader = false;
        try {
            for (String name : scenarios) {
                if (name.equals("connect")) {
                    String ids = clientIdPattern != null ? clientIdPattern
                            : usernamePattern != null ? usernamePattern : "bench-conn-%d";
                    allAdmitted &= connect(new ConnectRun(host, port, ids, usernamePattern, password), clients,
                            concurrency, warmup >= 0 ? (int) Math.min(clients, warmup) : clients / 5, limit);
                    continue;
                }
                if (!publishHeader) {
                    publishHeader = true;
                    System.out.printf(Locale.ROOT, "%-9s %-3s %10s %10s %12s %10s %10s %10s%s%s%n", "scenario", "qos", "sent",
                            "received", "msgs/s", "p50 us", "p99 us", "lag p99",
                            brokerCpu == null ? "" : String.format(Locale.ROOT, " %10s %8s", "cpu us/msg", "wake/msg"),
                            other == null ? "" : String.format(
                                    "%12s %10s %10s %10s %7s", "mosq msgs/s", "mosq p50", "mosq p99", "mosq lag", "ratio"));
                }
                for (int qos : qosLevels) {
                    Scenario scenario = Scenario.named(name);
                    if (warm > 0) {
                        // Both brokers before either is measured, so that neither gets the colder client.
                        new LoadRun(host, port, scenario, qos, payload, username, password)
                                .subscribersAt(subPort, settleMillis).run(warm, rate, limit);
                        if (other != null) {
                            new LoadRun("127.0.0.1", otherPort, scenario, qos, payload).run(warm, rate, limit);
                        }
                    }
                    // --rounds: measured runs after one another on the same (warming) generator,
                    // one line each: how a broker's rate grows while its compilers catch up.
                    for (int round = 1; round < rounds; round++) {
                        long cpuBefore = brokerCpu == null ? 0 : brokerCpu.nanos();
                        long wakeBefore = brokerCpu == null ? 0 : brokerCpu.wakeups();
                        LoadRun.Result r = new LoadRun(host, port, scenario, qos, payload, username, password)
                                .subscribersAt(subPort, settleMillis)
                                .run(messages, rate, limit);
                        System.out.println(String.format(Locale.ROOT, "%-9s %-3d %10d %10d %12.0f %10.0f %10.0f %10.0f",
                                name, qos, r.sent(), r.received(), r.deliveriesPerSecond(), r.p50Micros(), r.p99Micros(),
                                r.sendLagP99Micros()) + cpuColumn(brokerCpu, cpuBefore, wakeBefore, r.received()));
                    }
                    long cpuBefore = brokerCpu == null ? 0 : brokerCpu.nanos();
                    long wakeBefore = brokerCpu == null ? 0 : brokerCpu.wakeups();
                    OutlierLog log = new OutlierLog(outlierFile, outlierMicros, name + " qos " + qos);
                    LoadRun.Result ours = log.ours(new LoadRun(host, port, scenario, qos, payload, username, password)
                            .subscribersAt(subPort, settleMillis)).run(messages, rate, limit);
                    log.flush();
                    long cpuUsed = brokerCpu == null ? 0 : brokerCpu.nanos() - cpuBefore;
                    long wakeups = brokerCpu == null ? 0 : brokerCpu.wakeups() - wakeBefore;
                    LoadRun.Result theirs = null;
                    if (other != null) {
                        // Measured in the order ours, theirs, theirs, ours: neither broker always
                        // gets the client that is a little colder or a little warmer.
                        LoadRun mosquittoRun = new LoadRun("127.0.0.1", otherPort, scenario, qos, payload);
                        theirs = log.theirs(mosquittoRun).run(messages, rate, limit);
                        log.flush();
                        theirs = theirs.and(log.theirs(mosquittoRun).run(messages, rate, limit));
                        log.flush();
                        cpuBefore = brokerCpu == null ? 0 : brokerCpu.nanos();
                        wakeBefore = brokerCpu == null ? 0 : brokerCpu.wakeups();
                        ours = ours.and(log.ours(new LoadRun(host, port, scenario, qos, payload, username, password)
                                .subscribersAt(subPort, settleMillis))
                                .run(messages, rate, limit));
                        log.flush();
                        cpuUsed += brokerCpu == null ? 0 : brokerCpu.nanos() - cpuBefore;
                        wakeups += brokerCpu == null ? 0 : brokerCpu.wakeups() - wakeBefore;
                    }
                    String line = String.format(Locale.ROOT, "%-9s %-3d %10d %10d %12.0f %10.0f %10.0f %10.0f", name,
                            qos, ours.sent(), ours.received(), ours.deliveriesPerSecond(), ours.p50Micros(),
                            ours.p99Micros(), ours.sendLagP99Micros());
                    if (brokerCpu != null) {
                        line += String.format(Locale.ROOT, " %10.2f %8.2f", cpuUsed / 1000.0 / Math.max(1, ours.received()),
                                wakeups / (double) Math.max(1, ours.received()));
                    }
                    if (theirs != null) {
                        line += String.format(Locale.ROOT, " %12.0f %10.0f %10.0f %10.0f %7.2f",
                                theirs.deliveriesPerSecond(), theirs.p50Micros(), theirs.p99Micros(),
                                theirs.sendLagP99Micros(),
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
        if (!allAdmitted) {
            System.exit(2);
        }
    }

    /** Where the measured runs' outliers go: a fresh {@link Outliers} per run, appended to the file after it. */
    private static final class OutlierLog {
        private final Path file;
        private final long micros;
        private final String scenario;
        private Outliers current;
        private String label;
        private int ours;
        private int theirs;

        OutlierLog(Path file, long micros, String scenario) {
            this.file = file;
            this.micros = micros;
            this.scenario = scenario;
        }

        LoadRun ours(LoadRun run) {
            return next(run, "ours-" + ++ours);
        }

        LoadRun theirs(LoadRun run) {
            return next(run, "mosquitto-" + ++theirs);
        }

        private LoadRun next(LoadRun run, String name) {
            if (file == null) {
                return run;
            }
            current = new Outliers(micros);
            label = name;
            return run.recordingOutliers(current);
        }

        void flush() {
            if (current != null) {
                current.appendTo(file, label + " " + scenario.replace(' ', '-'));
                current = null;
            }
        }
    }

    /** The {@code cpu us/msg} and {@code wake/msg} columns of a run that started at {@code cpuBefore}; empty without a broker PID. */
    private static String cpuColumn(ProcessCpu brokerCpu, long cpuBefore, long wakeBefore, long received) {
        if (brokerCpu == null) {
            return "";
        }
        return String.format(Locale.ROOT, " %10.2f %8.2f", (brokerCpu.nanos() - cpuBefore) / 1000.0 / Math.max(1, received),
                (brokerCpu.wakeups() - wakeBefore) / (double) Math.max(1, received));
    }

    /** Runs the connect scenario (after a warm-up of {@code warm} clients) and prints it; false if a client was not admitted. */
    private static boolean connect(ConnectRun run, int clients, int concurrency, int warm, Duration limit)
            throws InterruptedException {
        System.out.printf(Locale.ROOT, "%-9s %8s %8s %8s %8s %10s %10s %10s%n", "scenario", "clients", "admitted",
                "refused", "failed", "conn/s", "p50 us", "p99 us");
        boolean ok = true;
        if (warm > 0) {
            ok = report("warm-up", run.run(warm, concurrency, limit));
        }
        return report("connect", run.run(clients, concurrency, limit)) && ok;
    }

    private static boolean report(String label, ConnectRun.Result r) {
        System.out.printf(Locale.ROOT, "%-9s %8d %8d %8d %8d %10.1f %10.0f %10.0f%n", label, r.clients(), r.admitted(),
                r.refusedCount(), r.failed(), r.connectionsPerSecond(), r.p50Micros(), r.p99Micros());
        if (r.notAdmitted() == 0) {
            return true;
        }
        // A refused login is a result to see, not a success: the rate above counts admitted clients only.
        System.out.printf(Locale.ROOT, "%s: %d of %d clients NOT admitted: refused %s, failed %d, not started %d%n",
                label, r.notAdmitted(), r.clients(), r.refused(), r.failed(),
                r.clients() - r.admitted() - r.refusedCount() - r.failed());
        return false;
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
