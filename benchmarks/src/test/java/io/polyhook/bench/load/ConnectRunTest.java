package io.polyhook.bench.load;

import io.polyhook.broker.PolyhookBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The connect scenario's counts against an in-process broker (no timing is asserted). */
class ConnectRunTest {

    @TempDir
    Path scripts;

    private PolyhookBroker broker(boolean allowAnonymous) {
        return InProcessBroker.start(scripts, allowAnonymous);
    }

    @Test
    void countsEveryAdmittedClient() throws Exception {
        try (PolyhookBroker broker = broker(true)) {
            ConnectRun.Result r = new ConnectRun("127.0.0.1", broker.boundPort("tcp"), "conn-test-%d", null, null)
                    .run(20, 4, Duration.ofSeconds(30));

            assertThat(r.admitted()).isEqualTo(20);
            assertThat(r.refused()).isEmpty();
            assertThat(r.failed()).isZero();
            assertThat(r.notAdmitted()).isZero();
        }
    }

    @Test
    void reportsRefusedLoginsAsRefusedNotAdmitted() throws Exception {
        // No anonymous clients and no script to vouch for anyone: every login is refused.
        try (PolyhookBroker broker = broker(false)) {
            ConnectRun.Result r = new ConnectRun("127.0.0.1", broker.boundPort("tcp"), "user-%d", "user-%d", "pw")
                    .run(10, 4, Duration.ofSeconds(30));

            assertThat(r.admitted()).isZero();
            assertThat(r.refused()).isEqualTo(Map.of("NOT_AUTHORIZED", 10L));
            assertThat(r.notAdmitted()).isEqualTo(10);
            assertThat(r.connectionsPerSecond()).isZero();
        }
    }

    @Test
    void countsClientsThatCannotConnectAsFailed() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        ConnectRun.Result r = new ConnectRun("127.0.0.1", closedPort, "nobody-%d", null, null)
                .run(3, 2, Duration.ofSeconds(30));

        assertThat(r.admitted()).isZero();
        assertThat(r.failed()).isEqualTo(3);
    }
}
