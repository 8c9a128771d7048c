package io.polyhook.broker.cli;

import io.polyhook.broker.PolyhookBroker;
import io.polyhook.broker.config.BrokerConfig;
import io.polyhook.broker.config.ListenerConfig;
import io.polyhook.broker.config.ScriptsConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code polyhook script ...} against a started broker's admin API. */
class ScriptCommandTest {

    @TempDir
    Path dir;

    private PolyhookBroker broker;
    private Path loaded;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void start() throws IOException {
        loaded = Files.writeString(dir.resolve("auth.lua"), """
                function auth_on_publish(pub) return true end
                function auth_on_subscribe(sub) return true end
                hooks = { auth_on_publish = auth_on_publish, auth_on_subscribe = auth_on_subscribe }
                """);
        broker = PolyhookBroker.builder().discoverPlugins(false).adminAddress("127.0.0.1", 0)
                .config(BrokerConfig.defaults().withBroker(BrokerConfig.defaults().broker().withAllowAnonymous(true))
                        .withListeners(List.of(ListenerConfig.of(ListenerConfig.Kind.TCP, "127.0.0.1", 0)))
                        .withScripts(new ScriptsConfig(dir.toString(), List.of(), 1, Duration.ofSeconds(5)))
                        .withPersistence(io.polyhook.broker.config.PersistenceSettings.DISABLED))
                .start();
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    private int run(String... args) {
        CommandLine cl = new CommandLine(new PolyhookCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--admin";
        all[args.length + 1] = "127.0.0.1:" + broker.adminPort();
        return cl.execute(all);
    }

    @Test
    void anUnreachableAdminApiIsOneLineThatSaysWhatToCheck() throws IOException {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        CommandLine cl = new CommandLine(new PolyhookCommand());
        cl.setErr(new PrintWriter(err));
        assertThat(cl.execute("script", "list", "--admin", "127.0.0.1:" + closed)).isEqualTo(1);
        assertThat(err.toString().strip()).isEqualTo("polyhook: cannot reach the admin API at http://127.0.0.1:" + closed
                + " (connection refused): is the broker running, and is --admin its admin.address?");
    }

    @Test
    void listPrintsEachScriptWithItsEngineAndHooks() {
        assertThat(run("script", "list")).isZero();
        assertThat(out.toString()).contains(loaded.toString(), "luaj", "auth_on_publish,auth_on_subscribe");
    }

    @Test
    void loadLoadsAScript() throws IOException {
        Path more = Files.writeString(dir.resolve("more.lua"), "hooks = {}\n");
        assertThat(run("script", "load", more.toString())).isZero();
        assertThat(out.toString()).contains("loaded " + more);
        assertThat(broker.scripts().list()).hasSize(2);
    }

    @Test
    void aFailedLoadExitsNonZeroWithTheServersMessage() throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.lua"), "hooks = {}\nthis is not lua\n");
        assertThat(run("script", "load", bad.toString())).isEqualTo(1);
        assertThat(err.toString()).contains("bad.lua:2");
    }

    @Test
    void reloadReportsTheReloadCount() {
        assertThat(run("script", "reload", loaded.toString())).isZero();
        assertThat(out.toString()).contains("reloaded " + loaded, "reload 1");
    }

    @Test
    void unloadOfAScriptThatIsNotLoadedFails() {
        assertThat(run("script", "unload", dir.resolve("none.lua").toString())).isEqualTo(1);
        assertThat(err.toString()).contains("is not loaded");
    }

    @Test
    void unloadRemovesTheScript() {
        assertThat(run("script", "unload", loaded.toString())).isZero();
        assertThat(broker.scripts().list()).isEmpty();
    }

    @Test
    void showPrintsOneTablePerScriptWithCallsErrorsTimeoutsAndLatency() {
        assertThat(run("script", "show")).isZero();
        assertThat(out.toString()).contains(loaded.toString(), "HOOK", "CALLS", "ERRORS", "TIMEOUTS", "AVG µs",
                "P99 µs", "auth_on_publish", "auth_on_subscribe");
    }

    @Test
    void showOfOneScript() {
        assertThat(run("script", "show", loaded.toString())).isZero();
        assertThat(out.toString()).contains("auth_on_publish");
    }

    @Test
    void anUnreachableAdminApiFailsWithAMessage() throws IOException {
        int free;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            free = s.getLocalPort();
        }
        CommandLine cl = new CommandLine(new PolyhookCommand());
        cl.setErr(new PrintWriter(err));
        assertThat(cl.execute("script", "list", "--admin", "127.0.0.1:" + free)).isEqualTo(1);
        assertThat(err.toString()).contains("cannot reach the admin API");
    }
}
