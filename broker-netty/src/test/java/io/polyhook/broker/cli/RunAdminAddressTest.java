package io.polyhook.broker.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class RunAdminAddressTest {

    @TempDir
    Path dir;

    @Test
    void anAdminAddressInUseStopsTheStartWithExitCode4() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Path cfg = Files.writeString(dir.resolve("polyhook.yaml"), """
                    listeners: [{ type: tcp, address: "127.0.0.1:0" }]
                    scripts: { dir: "%s" }
                    admin: { address: "127.0.0.1:%d" }
                    persistence: { enabled: false }
                    """.formatted(dir.toString().replace("\\", "/"), taken.getLocalPort()));
            assertThat(new CommandLine(new PolyhookCommand()).execute("run", "--config", cfg.toString())).isEqualTo(4);
        }
    }
}
