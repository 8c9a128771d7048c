package io.polyhook.broker.cli;

import io.netty.util.ResourceLeakDetector;
import io.polyhook.broker.PolyhookBroker;
import io.polyhook.broker.config.BrokerConfig;
import io.polyhook.broker.config.ConfigException;
import io.polyhook.broker.failure.FatalErrorHandler;
import io.polyhook.broker.failure.ThreadFailures;
import io.polyhook.core.plugin.internal.PluginStartException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

import io.polyhook.broker.ScriptsNotLoadedException;
import io.polyhook.broker.Version;
import io.polyhook.broker.logging.LogSetup;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * The {@code polyhook} command line: {@code polyhook run [--config FILE]}, and
 * {@code polyhook script list|load|reload|unload|show} and {@code polyhook cluster status} against a running
 * broker's admin API.
 */
@Command(name = "polyhook", mixinStandardHelpOptions = true, versionProvider = PolyhookCommand.VersionProvider.class,
        description = "An MQTT broker whose plugins are scripts.",
        subcommands = {PolyhookCommand.Run.class, ScriptCommand.class, PluginCommand.class, ClusterCommand.class,
                CommandLine.HelpCommand.class})
public final class PolyhookCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(PolyhookCommand.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** {@code polyhook --version}: the version Maven wrote into the jar. */
    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"polyhook " + Version.version()};
        }
    }

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new PolyhookCommand()).execute(args));
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(System.out);
        return 0;
    }

    /** Where {@code run} serves the admin API when the config sets no {@code admin.address}. */
    static final String DEFAULT_ADMIN_HOST = "127.0.0.1";
    static final int DEFAULT_ADMIN_PORT = 8888;

    /**
     * Turns Netty's leak detector off unless {@code system} names a level. At its default it
     * records a stack trace at the allocation and the release of one buffer in 128: 2 % of the
     * broker's CPU at 317,000 QoS 1 messages a second. The test suites run it at PARANOID and
     * fail on a leak; a deployment asks for it with {@code -Dio.netty.leakDetection.level=simple}.
     */
    static void defaultLeakDetection(Properties system) {
        if (system.getProperty("io.netty.leakDetection.level") == null
                && system.getProperty("io.netty.leakDetectionLevel") == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
    }

    /**
     * In the broker's own process, any thread that an {@link Error} ends (the JDK's admin
     * dispatcher, a library's thread, a watchdog that failed even to log) ends the process with
     * one line on standard error: better restarted than half-dead. See {@link ThreadFailures}.
     */
    static void installFatalErrorPolicy() {
        Thread.setDefaultUncaughtExceptionHandler(ThreadFailures.uncaught(FatalErrorHandler.haltProcess()));
    }

    /** Exit status of {@code run}: the config file is invalid, or a listener cannot bind. */
    static final int EXIT_CONFIG = 2;
    /** Exit status of {@code run}: a Java plugin failed to start. */
    static final int EXIT_PLUGIN = 3;
    /** Exit status of {@code run}: the admin API's address cannot be bound. */
    static final int EXIT_ADDRESS = 4;
    /** Exit status of {@code run}: a script is missing or failed to load ({@code scripts.on_load_error: fail}). */
    static final int EXIT_SCRIPT = 5;
    /** Exit status of {@code run}: the persistence store cannot be opened (in use, damaged, of another format). */
    static final int EXIT_STORE = 6;

    private static final Logger BANNER = LoggerFactory.getLogger("io.polyhook.broker");

    private static int fail(PrintWriter err, String message, int status) {
        err.println("polyhook: " + message);
        err.flush();
        return status;
    }

    /** {@code polyhook run}: starts the broker and runs until stopped (SIGINT/SIGTERM). */
    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Start the broker. Without --config: MQTT on 127.0.0.1:1883, WebSocket on 127.0.0.1:8000 (/mqtt),"
                    + " anonymous clients allowed, admin API on 127.0.0.1:8888. With --config: anonymous clients refused"
                    + " unless broker.allow_anonymous is true.")
    static final class Run implements Callable<Integer> {

        @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "YAML config file")
        Path config;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws InterruptedException {
            defaultLeakDetection(System.getProperties());
            installFatalErrorPolicy();
            long started = System.nanoTime();
            PolyhookBroker broker;
            BrokerConfig cfg;
            // Every mistake a user can make is one line on standard error, with the key or port named.
            PrintWriter err = spec.commandLine().getErr();
            String in = config == null ? "" : " (" + config + ")";
            try {
                cfg = config == null ? withoutConfigFile() : BrokerConfig.load(config);
                Path configDir = config == null ? Path.of("") : config.toAbsolutePath().normalize().getParent();
                LogSetup.apply(cfg.logging(), configDir);
                broker = PolyhookBroker.builder().config(cfg).adminAddress(DEFAULT_ADMIN_HOST, DEFAULT_ADMIN_PORT).start();
            } catch (ConfigException e) {
                return fail(err, "bad config" + in + ": " + e.getMessage(), EXIT_CONFIG);
            } catch (PluginStartException e) {
                return fail(err, e.getMessage(), EXIT_PLUGIN);
            } catch (io.polyhook.broker.store.StoreException e) {
                // Locked, damaged, incompatible: one line naming the folder and what to do.
                return fail(err, e.getMessage(), EXIT_STORE);
            } catch (java.io.UncheckedIOException e) {
                // A port already in use, e.g. the admin API's 8888: say so without a stack trace.
                return fail(err, e.getMessage(), EXIT_ADDRESS);
            } catch (ScriptsNotLoadedException e) {
                return fail(err, e.getMessage(), EXIT_SCRIPT);
            }
            Banner banner = Banner.of(Optional.ofNullable(config), cfg, broker.listeners(),
                    cfg.adminHost().orElse(DEFAULT_ADMIN_HOST), OptionalInt.of(broker.adminPort()));
            banner.lines().forEach(BANNER::info);
            banner.warnings().forEach(BANNER::warn);
            BANNER.info("started in {} ms", (System.nanoTime() - started) / 1_000_000);
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                broker.close();
                stopped.countDown();
            }, "polyhook-shutdown"));
            stopped.await();
            return 0;
        }

        /**
         * The configuration of a broker started without a file (Mosquitto 2's "local only mode"):
         * listeners on the loopback interface, anonymous clients admitted; said at start, so that
         * nobody mistakes it for a deployment.
         */
        static BrokerConfig withoutConfigFile() {
            LOG.warn("no config file: listening on 127.0.0.1 only (MQTT 1883, WebSocket 8000) and admitting anonymous"
                    + " clients; start with --config FILE to listen on other addresses (a config file refuses anonymous"
                    + " clients unless broker.allow_anonymous is true)");
            return BrokerConfig.defaults();
        }
    }
}
