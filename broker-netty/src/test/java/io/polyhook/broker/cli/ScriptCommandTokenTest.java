package io.polyhook.broker.cli;

import io.polyhook.broker.PolyhookBroker;
import io.polyhook.broker.admin.AdminServerTestConfigs;
import io.polyhook.broker.config.AdminToken;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code polyhook script ...} against an admin API that requires a token: from the config file or the environment. */
class ScriptCommandTokenTest {

    private static final String TOKEN = "cli-token-0123456789abcdef";

    @TempDir
    Path dir;

    private PolyhookBroker broker;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void start() {
        broker = PolyhookBroker.builder().discoverPlugins(false).adminAddress("127.0.0.1", 0)
                .config(AdminServerTestConfigs.local(dir).withAdminToken(AdminToken.of(TOKEN))).start();
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    private int run(String... args) {
        CommandLine cl = new CommandLine(new PolyhookCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }

    private Path config(String token) throws IOException {
        return Files.writeString(dir.resolve("polyhook.yaml"), "admin:\n  address: \"127.0.0.1:" + broker.adminPort()
                + "\"\n" + (token == null ? "" : "  token: " + token + "\n"));
    }

    @Test
    void withoutTheTokenTheCommandFailsSayingWhy() {
        assertThat(run("script", "list", "--admin", "127.0.0.1:" + broker.adminPort())).isEqualTo(1);
        assertThat(err.toString()).contains("missing or wrong bearer token (admin.token)");
    }

    @Test
    void theTokenAndTheAddressComeFromTheConfigFile() throws IOException {
        assertThat(run("script", "list", "--config", config(TOKEN).toString())).isZero();
        assertThat(out.toString()).contains("no scripts loaded");
    }

    @Test
    void aWrongTokenIsNeverPrinted() throws IOException {
        String wrong = "wrong-token-0123456789abcdef";
        assertThat(run("script", "list", "--config", config(wrong).toString())).isEqualTo(1);
        assertThat(out.toString() + err).doesNotContain(wrong).doesNotContain(TOKEN).contains("admin.token");
    }

    @Test
    void theTokenComesFromPolyhookAdminTokenInTheEnvironment() throws Exception {
        Subprocess p = Subprocess.run(Map.of("POLYHOOK_ADMIN_TOKEN", TOKEN), PolyhookCommand.class.getName(),
                "script", "list", "--admin", "127.0.0.1:" + broker.adminPort());
        assertThat(p.exitStatus()).as(p.err()).isZero();
        assertThat(p.out()).contains("no scripts loaded");
        assertThat(p.out() + p.err()).doesNotContain(TOKEN);
    }
}
