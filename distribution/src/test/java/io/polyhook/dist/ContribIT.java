package io.polyhook.dist;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The operators' files of {@code contrib/}, checked by the tools that read them where this machine
 * has them: {@code systemd-analyze verify} (Debian's systemd) and {@code promtool check rules}
 * (Debian's prometheus); {@code .ci/run} installs both. The Dockerfile has no linter in a Debian
 * package (hadolint is not packaged) and no Docker engine runs here: it is checked for what the
 * archive must provide.
 */
class ContribIT {

    @TempDir
    static Path tmp;
    static Path home;

    @BeforeAll
    static void unpack() {
        home = Archive.unpack(tmp);
    }

    static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void systemdAcceptsTheUnitWithoutAWarning() throws Exception {
        assumeTrue(onPath("systemd-analyze"), "systemd-analyze is not installed (.ci/run installs Debian's systemd)");
        String unit = Files.readString(home.resolve("contrib/systemd/polyhook.service"));
        assertThat(unit).contains("Type=exec", "Restart=on-failure", "User=polyhook", "LimitNOFILE=");
        // The unit names /opt/polyhook; verify it against this unpacked copy, whose bin/polyhook exists.
        Path copy = Files.writeString(tmp.resolve("polyhook.service"), unit.replace("/opt/polyhook", home.toString()));
        assertThat(Archive.run(tmp, "systemd-analyze", "verify", copy.toString())).as("systemd-analyze's warnings").isBlank();
    }

    @Test
    void promtoolAcceptsTheAlertRules() {
        assumeTrue(onPath("promtool"), "promtool is not installed (.ci/run installs Debian's prometheus package)");
        assertThat(Archive.run(tmp, "promtool", "check", "rules", home.resolve(MonitoringFiles.ALERTS).toString()))
                .contains("SUCCESS");
    }

    @Test
    void theDashboardIsGrafanaJsonAndTheAlertsQueryTheBrokersMetrics() throws Exception {
        assertThat(MonitoringFiles.metricNames(MonitoringFiles.dashboardQueries(home)))
                .contains("polyhook_hook_latency_seconds_bucket", "polyhook_clients_connected");
        assertThat(MonitoringFiles.metricNames(MonitoringFiles.alertQueries(home)))
                .contains("up", "polyhook_hook_errors_total", "polyhook_hook_failed_closed_total");
    }

    @Test
    void theDockerfileIsBuiltOnTheUnpackedArchiveAndRunsUnprivileged() throws Exception {
        String dockerfile = Files.readString(home.resolve("contrib/docker/Dockerfile"));
        assertThat(dockerfile).contains("COPY --chown=root:root . /opt/polyhook", "USER polyhook",
                "ENTRYPOINT [\"/opt/polyhook/bin/polyhook\"]", "EXPOSE 1883 8000");
        // Every file it copies from the build context (the unpacked archive) is there.
        assertThat(home.resolve("contrib/docker/polyhook.yaml")).isRegularFile();
        assertThat(Files.readString(home.resolve("contrib/docker/polyhook.yaml"))).contains("127.0.0.1:8888");
    }
}
