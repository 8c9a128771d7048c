package io.polyhook.bench.load;

import io.polyhook.broker.PolyhookBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Load runs against an in-process broker: every message is counted once (no timing is asserted). */
class LoadRunTest {

    @TempDir
    Path scripts;

    private PolyhookBroker broker(boolean allowAnonymous) {
        return InProcessBroker.start(scripts, allowAnonymous);
    }

    @ParameterizedTest(name = "{0} at QoS {1}")
    @CsvSource({"1to1,0", "1to1,1", "1to1,2", "fanin,1", "fanout,0", "fanout,1", "100to100,1"})
    void everySubscriberGetsEveryMessage(String scenario, int qos) throws Exception {
        try (PolyhookBroker broker = broker(true)) {
            Scenario s = Scenario.named(scenario);
            LoadRun.Result r = new LoadRun("127.0.0.1", broker.boundPort("tcp"), s, qos, 32)
                    .run(300, 0, Duration.ofSeconds(30));

            assertThat(r.sent()).isEqualTo(300);
            assertThat(r.expected()).isEqualTo(300L * s.fanOut());
            assertThat(r.received()).isEqualTo(r.expected());
            assertThat(r.p99Micros()).isGreaterThanOrEqualTo(r.p50Micros()).isPositive();
        }
    }

    @Test
    void aFixedRateRunDeliversEveryMessage() throws Exception {
        try (PolyhookBroker broker = broker(true)) {
            LoadRun.Result r = new LoadRun("127.0.0.1", broker.boundPort("tcp"), Scenario.named("fanout"), 0, 32)
                    .run(100, 1_000, Duration.ofSeconds(30));

            assertThat(r.received()).isEqualTo(100L * 50);
        }
    }

    @ParameterizedTest(name = "{0} at QoS {1}")
    @CsvSource({"1to1,0", "fanout,1", "100to100,1"})
    void theGeneratorsOwnDelayIsReportedAsPartOfTheEndToEndLatency(String scenario, int qos) throws Exception {
        try (PolyhookBroker broker = broker(true)) {
            LoadRun.Result r = new LoadRun("127.0.0.1", broker.boundPort("tcp"), Scenario.named(scenario), qos, 32)
                    .run(500, 5_000, Duration.ofSeconds(30));

            // Every delivery of a message waited at least as long as its write: so do the percentiles.
            assertThat(r.sendLagP99Micros()).isPositive().isLessThanOrEqualTo(r.p99Micros());
        }
    }

    @Test
    void withAThresholdOfZeroEveryMessageIsAnOutlierWithItsSendTimeAndBothParts() throws Exception {
        Path file = scripts.resolve("outliers.txt");
        try (PolyhookBroker broker = broker(true)) {
            Outliers outliers = new Outliers(0);
            new LoadRun("127.0.0.1", broker.boundPort("tcp"), Scenario.named("1to1"), 1, 64)
                    .recordingOutliers(outliers).run(200, 0, Duration.ofSeconds(30));
            outliers.appendTo(file, "ours-1");
        }

        List<String> lines = Files.readAllLines(file);
        assertThat(lines.getFirst()).startsWith("# ours-1: 200 messages over 0 us (200 kept), first sent at ");
        String header = lines.getFirst();
        assertThat(header).matches(".*, \\d+ of them in the first 200 ms");
        int at = header.indexOf("first sent at ") + "first sent at ".length();
        Instant first = Instant.parse(header.substring(at, header.indexOf(", ", at)));
        assertThat(lines).hasSize(201);
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(" ");
            assertThat(f[0]).isEqualTo("ours-1");
            assertThat(Instant.parse(f[1])).isBetween(first, Instant.now());
            long total = Long.parseLong(f[2]);
            long generator = Long.parseLong(f[3]);
            long brokerPart = Long.parseLong(f[4]);
            assertThat(generator).isNotNegative();
            assertThat(brokerPart).isNotNegative();
            // Each part is rounded down to whole microseconds on its own.
            assertThat(generator + brokerPart).isBetween(total - 1, total);
        }
    }

    @Test
    void messagesFasterThanTheThresholdAreNotOutliers() throws Exception {
        try (PolyhookBroker broker = broker(true)) {
            Outliers outliers = new Outliers(Duration.ofMinutes(10).toNanos() / 1_000);
            new LoadRun("127.0.0.1", broker.boundPort("tcp"), Scenario.named("1to1"), 1, 64)
                    .recordingOutliers(outliers).run(100, 0, Duration.ofSeconds(30));

            assertThat(outliers.count()).isZero();
        }
    }

    @Test
    void aRefusedSubscriberConnectionFailsTheRunWithTheReturnCode() {
        try (PolyhookBroker broker = broker(false)) {
            LoadRun run = new LoadRun("127.0.0.1", broker.boundPort("tcp"), Scenario.named("1to1"), 0, 32);

            assertThatThrownBy(() -> run.run(10, 0, Duration.ofSeconds(30)))
                    .hasStackTraceContaining("CONNECT refused with return code 5");
        }
    }

    @Test
    void anUnreachableBrokerFailsTheRun() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        LoadRun run = new LoadRun("127.0.0.1", closedPort, Scenario.named("1to1"), 0, 32);

        assertThatThrownBy(() -> run.run(10, 0, Duration.ofSeconds(30))).hasStackTraceContaining("Connection refused");
    }
}
