package io.polyhook.broker.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Every mistake a user can make at {@code polyhook run} is one line on standard error naming the key or port. */
class RunErrorsTest {

    @TempDir
    Path dir;

    private final StringWriter err = new StringWriter();

    private int run(String yaml) throws Exception {
        // No store engine on this module's class path: persistence off, as a test harness runs it.
        Path cfg = Files.writeString(dir.resolve("polyhook.yaml"), "persistence: { enabled: false }\n" + yaml);
        Files.createDirectories(dir.resolve("scripts"));
        CommandLine cli = new CommandLine(new PolyhookCommand());
        cli.setErr(new PrintWriter(err, true));
        return cli.execute("run", "--config", cfg.toString());
    }

    private String oneLine() {
        assertThat(err.toString().lines()).as("standard error: " + err).hasSize(1);
        assertThat(err.toString()).doesNotContain("\tat ", "Exception");
        return err.toString().strip();
    }

    @Test
    void anMqttPortInUseNamesTheListenerAndThePort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int status = run("""
                    listeners: [{ type: tcp, address: "127.0.0.1:%d" }]
                    admin: { address: "127.0.0.1:0" }
                    """.formatted(taken.getLocalPort()));
            assertThat(status).isEqualTo(PolyhookCommand.EXIT_CONFIG);
            assertThat(oneLine()).startsWith("polyhook: bad config (").contains("listeners[0].address: cannot listen on 127.0.0.1:"
                    + taken.getLocalPort(), "in use");
        }
    }

    @Test
    void aBadProviderSettingIsOneLineNotAGuiceReport() throws Exception {
        int status = run("""
                listeners: [{ type: tcp, address: "127.0.0.1:0" }]
                admin: { address: "127.0.0.1:0" }
                providers: { postgres: { port: "not a port" } }
                """);
        assertThat(status).isEqualTo(PolyhookCommand.EXIT_CONFIG);
        assertThat(oneLine()).startsWith("polyhook: bad config (").contains("port").doesNotContain("Guice", "com.google");
    }

    @Test
    void anEmptyListenerListIsAnError() throws Exception {
        assertThat(run("listeners: []\n")).isEqualTo(PolyhookCommand.EXIT_CONFIG);
        assertThat(oneLine()).contains("listeners: is empty");
    }

    @Test
    void aScriptThatFailsToLoadStopsTheStartWithItsFileAndLine() throws Exception {
        Files.createDirectories(dir.resolve("scripts"));
        Files.writeString(dir.resolve("scripts").resolve("broken.lua"), "function auth_on_register(reg)\n  return true\n");
        int status = run("""
                listeners: [{ type: tcp, address: "127.0.0.1:0" }]
                admin: { address: "127.0.0.1:0" }
                """);
        assertThat(status).isEqualTo(PolyhookCommand.EXIT_SCRIPT);
        assertThat(oneLine()).contains("broken.lua:", "'end' expected", "scripts.on_load_error: warn");
    }

    @Test
    void aMissingScriptFileStopsTheStart() throws Exception {
        int status = run("""
                listeners: [{ type: tcp, address: "127.0.0.1:0" }]
                admin: { address: "127.0.0.1:0" }
                scripts: { files: [nowhere.lua] }
                """);
        assertThat(status).isEqualTo(PolyhookCommand.EXIT_SCRIPT);
        assertThat(oneLine()).contains("nowhere.lua", "no such file");
    }
}
