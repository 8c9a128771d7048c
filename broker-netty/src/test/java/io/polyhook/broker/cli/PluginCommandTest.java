package io.polyhook.broker.cli;

import io.polyhook.broker.PolyhookBroker;
import io.polyhook.broker.config.BrokerConfig;
import io.polyhook.broker.config.ListenerConfig;
import io.polyhook.broker.config.ScriptsConfig;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.Plugin;
import io.polyhook.spi.PluginContext;
import io.polyhook.spi.Verdict;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code polyhook plugin list} against a started broker's admin API. */
class PluginCommandTest {

    @TempDir
    Path dir;

    private PolyhookBroker broker;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    static final class Versioned implements Plugin {
        @Override
        public String name() {
            return "tenant-auth";
        }

        @Override
        public String version() {
            return "1.2.0";
        }

        @Override
        public void start(PluginContext context) {
            context.hooks().register(Hooks.AUTH_ON_REGISTER, r -> Verdict.next());
            context.hooks().register(Hooks.AUTH_ON_PUBLISH, p -> Verdict.next());
        }
    }

    private void start(Plugin... plugins) {
        PolyhookBroker.Builder b = PolyhookBroker.builder().discoverPlugins(false).adminAddress("127.0.0.1", 0)
                .config(BrokerConfig.defaults().withPersistence(io.polyhook.broker.config.PersistenceSettings.DISABLED)
                        .withListeners(List.of(ListenerConfig.of(ListenerConfig.Kind.TCP, "127.0.0.1", 0)))
                        .withScripts(new ScriptsConfig(dir.toString(), List.of(), 1, Duration.ofSeconds(5))));
        for (Plugin p : plugins) {
            b.plugin(p);
        }
        broker = b.start();
    }

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.close();
        }
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
    void listShowsEachPluginWithItsVersionStateHooksAndSource() {
        start(new Versioned());

        assertThat(run("plugin", "list")).isZero();

        String[] lines = out.toString().split("\n");
        assertThat(lines[0]).startsWith("NAME").contains("VERSION", "STATE", "HOOKS", "SOURCE");
        assertThat(lines[1]).contains("tenant-auth", "1.2.0", "started", "auth_on_register,auth_on_publish", "embedded");
        assertThat(out.toString()).doesNotContain("auth_cache");
    }

    @Test
    void aBrokerWithoutPluginsSaysSo() {
        start();

        assertThat(run("plugin", "list")).isZero();
        assertThat(out.toString()).isEqualTo("no Java plugins" + System.lineSeparator());
    }

    @Test
    void anUnreachableBrokerIsAnErrorWithTheReason() {
        start();
        int port = broker.adminPort();
        broker.close();
        broker = null;

        CommandLine cl = new CommandLine(new PolyhookCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        assertThat(cl.execute("plugin", "list", "--admin", "127.0.0.1:" + port)).isEqualTo(1);
        assertThat(err.toString()).startsWith("polyhook: cannot reach the admin API");
    }
}
