package io.polyhook.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A broker in a JVM of its own ({@code polyhook run --config FILE}) on the test class path, every
 * port chosen by the OS on 127.0.0.1: its MQTT, admin and JGroups ports are read from its log.
 * {@link #kill()} is {@code kill -9}.
 */
final class BrokerProcess implements AutoCloseable {

    private static final Pattern MQTT = Pattern.compile("listening for MQTT on 127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern ADMIN = Pattern.compile("admin API and /metrics on http://127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern JOINED = Pattern.compile("joined cluster .* in (\\d+) ms \\(JGroups [^:]*:(\\d+),");

    final String name;
    private final Process process;
    private final CompletableFuture<Integer> mqtt = new CompletableFuture<>();
    private final CompletableFuture<Integer> admin = new CompletableFuture<>();
    private final CompletableFuture<int[]> joined = new CompletableFuture<>();
    private final List<String> log = new ArrayList<>();

    private BrokerProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        Thread.ofPlatform().daemon().name("log-" + name).start(this::readLog);
    }

    /** Starts node {@code name} whose JGroups seeds are {@code seeds} (JGroups ports on 127.0.0.1). */
    static BrokerProcess start(Path dir, String name, List<Integer> seeds) throws IOException {
        return start(dir, name, seeds, null);
    }

    /** As {@link #start(Path, String, List)}, with its durable store in {@code store} (null: persistence off). */
    static BrokerProcess start(Path dir, String name, List<Integer> seeds, Path store) throws IOException {
        return start(dir, name, seeds, store, "");
    }

    /** As {@link #start(Path, String, List, Path)}, with {@code moreConfig} (top-level YAML lines) added. */
    static BrokerProcess start(Path dir, String name, List<Integer> seeds, Path store, String moreConfig)
            throws IOException {
        Path scripts = Files.createDirectories(dir.resolve("no-scripts"));
        StringBuilder seedList = new StringBuilder();
        for (int p : seeds) {
            seedList.append(seedList.isEmpty() ? "" : ", ").append("\"127.0.0.1:").append(p).append('"');
        }
        Path config = Files.writeString(dir.resolve(name + ".yaml"), """
                broker: { allow_anonymous: true }
                listeners:
                  - { type: tcp, address: "127.0.0.1:0" }
                scripts: { dir: "%s" }
                admin: { address: "127.0.0.1:0" }
                persistence: %s
                cluster:
                  enabled: true
                  node_name: %s
                  bind: "127.0.0.1:0"
                  seeds: [%s]
                  data_plane: "127.0.0.1:0"
                """.formatted(scripts.toString().replace("\\", "/"),
                        store == null ? "{ enabled: false }" : "{ dir: \"" + store.toString().replace("\\", "/") + "\" }",
                        name, seedList) + moreConfig);
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.net.preferIPv4Stack=true", "--enable-native-access=ALL-UNNAMED", "-Xmx256m",
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                "io.polyhook.broker.cli.PolyhookCommand", "run", "--config", config.toString());
        return new BrokerProcess(name, new ProcessBuilder(command).redirectErrorStream(true).start());
    }

    private void readLog() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                synchronized (log) {
                    log.add(line);
                }
                Matcher m = MQTT.matcher(line);
                if (m.find()) {
                    mqtt.complete(Integer.parseInt(m.group(1)));
                }
                m = ADMIN.matcher(line);
                if (m.find()) {
                    admin.complete(Integer.parseInt(m.group(1)));
                }
                m = JOINED.matcher(line);
                if (m.find()) {
                    joined.complete(new int[] {Integer.parseInt(m.group(2)), Integer.parseInt(m.group(1))});
                }
            }
        } catch (IOException e) {
            // The process is gone.
        }
        AssertionError gone = new AssertionError(name + " ended before it was up; its log:\n" + log());
        mqtt.completeExceptionally(gone);
        admin.completeExceptionally(gone);
        joined.completeExceptionally(gone);
    }

    String log() {
        synchronized (log) {
            return String.join("\n", log);
        }
    }

    int mqttPort() throws Exception {
        return mqtt.get(180, TimeUnit.SECONDS);
    }

    int adminPort() throws Exception {
        return admin.get(180, TimeUnit.SECONDS);
    }

    int jgroupsPort() throws Exception {
        return joined.get(180, TimeUnit.SECONDS)[0];
    }

    /** How long the node took to join, as it logged it. */
    long joinMillis() throws Exception {
        return joined.get(180, TimeUnit.SECONDS)[1];
    }

    /** {@code kill -9}: no clean leave, no DISCONNECT to the clients. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(60, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
