package io.polyhook.bench.load;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.embedded.RedisServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The databases of the bundled-auth load runs ({@code benchmarks/run-auth-load.sh}): an embedded
 * PostgreSQL 17 (zonky) and an embedded Redis 6.2, both on 127.0.0.1 and free ports, with all
 * their files under {@code --dir}, holding the same bench users in the layouts of
 * {@code docs/auth.md}:
 *
 * <ul>
 *   <li>{@code bench-0} … {@code bench-<N-1>}, each with a row/key of its own client id (the same
 *       as the username): publish and subscribe ACL {@code bench/%c/#};</li>
 *   <li>{@code bench}, with a {@code *} entry (any client id): publish and subscribe ACL
 *       {@code bench/#}, for the publish scenarios.</li>
 * </ul>
 *
 * <p>Every user has the password of the environment variable {@value LoadGenerator#PASSWORD_ENV}.
 * PostgreSQL stores {@code crypt(password, gen_salt('bf', 10))} (pgcrypto, checked by the server:
 * {@code password_hash_method: crypt}); Redis a bcrypt hash of cost 10 (checked by the broker). One
 * hash is made per database and shared by its users: checking it costs the same as checking
 * distinct ones, and making N cost-10 hashes would take N × the hash time before every run.
 *
 * <p>It then writes {@code postgres.yaml} and {@code redis.yaml} (a {@code providers} entry each,
 * holding the database password: mode 600) and, last, {@code ready} (the measured cost of one
 * bcrypt-10 check in each place), and runs until it is terminated, its parent process exits, or
 * {@code --max-seconds} (default 1800) pass. Stopping stops both servers and deletes their files.
 *
 * <pre>
 * POLYHOOK_BENCH_PASSWORD=... java -cp benchmarks/target/benchmarks.jar io.polyhook.bench.load.AuthDatabases \
 *     --dir WORK --users 300 [--pool-size 4] [--max-seconds 1800]
 * </pre>
 */
public final class AuthDatabases {

    private static final int COST = 10;
    private static final String DB_USER = "bench";
    private static final String DATABASE = "bench";
    private static final String OWN_ACL = "[{\"pattern\":\"bench/%c/#\"}]";
    private static final String SHARED_ACL = "[{\"pattern\":\"bench/#\"}]";

    private final Path dir;
    private final String password;
    private final String dbPassword = randomSecret();
    private EmbeddedPostgres postgres;
    private RedisServer redis;
    private int redisPort;

    private AuthDatabases(Path dir, String password) {
        this.dir = dir;
        this.password = password;
    }

    public static void main(String[] args) throws Exception {
        Path dir = null;
        int users = 300;
        int poolSize = 4;
        long maxSeconds = 1800;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--dir" -> dir = Path.of(args[++i]).toAbsolutePath();
                case "--users" -> users = Integer.parseInt(args[++i]);
                case "--pool-size" -> poolSize = Integer.parseInt(args[++i]);
                case "--max-seconds" -> maxSeconds = Long.parseLong(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (dir == null) {
            throw new IllegalArgumentException("--dir is required");
        }
        String password = System.getenv(LoadGenerator.PASSWORD_ENV);
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("set " + LoadGenerator.PASSWORD_ENV + " to the bench users' password");
        }
        AuthDatabases databases = new AuthDatabases(dir, password);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            databases.stop();
            stopped.countDown();
        }, "stop-auth-databases"));
        try {
            databases.start(users, poolSize);
        } catch (Exception | Error e) {
            System.err.println("cannot start the databases: " + e);
            System.exit(1);
        }
        // Outlive neither the script that started us nor a time bound, even if nobody stops us.
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> System.exit(0)));
        stopped.await(maxSeconds, TimeUnit.SECONDS);
        System.exit(0);
    }

    private void start(int users, int poolSize) throws IOException, SQLException {
        Files.createDirectories(dir);
        long began = System.nanoTime();
        startPostgres();
        String pgHash = provisionPostgres(users);
        double pgMillis = postgresCheckMillis(pgHash);
        startRedis();
        String redisHash = provisionRedis(users);
        double javaMillis = javaCheckMillis(redisHash);
        writePrivate("postgres.yaml", String.format(Locale.ROOT,
                "postgres: { host: \"127.0.0.1\", port: %d, user: \"%s\", password: \"%s\", database: \"%s\","
                        + " pool_size: %d, password_hash_method: crypt }%n",
                postgres.getPort(), DB_USER, dbPassword, DATABASE, poolSize));
        writePrivate("redis.yaml", String.format(Locale.ROOT,
                "redis: { host: \"127.0.0.1\", port: %d, database: 0, pool_size: %d }%n", redisPort, poolSize));
        String ready = String.format(Locale.ROOT, """
                PostgreSQL %s on 127.0.0.1:%d and Redis on 127.0.0.1:%d, %d users + bench (*), ready in %.1f s
                one bcrypt cost-%d check, one core: %.1f ms in PostgreSQL (pgcrypto crypt), %.1f ms in the broker's bcrypt (Java)
                """, serverVersion(), postgres.getPort(), redisPort, users,
                (System.nanoTime() - began) / 1e9, COST, pgMillis, javaMillis);
        Path tmp = dir.resolve("ready.tmp");
        Files.writeString(tmp, ready);
        Files.move(tmp, dir.resolve("ready"), StandardCopyOption.ATOMIC_MOVE);
    }

    private void startPostgres() throws IOException {
        Path work = Files.createDirectories(dir.resolve("pg"));
        // Otherwise the builder makes an empty java.io.tmpdir/embedded-pg first.
        System.setProperty("ot.epg.working-dir", work.toString());
        postgres = EmbeddedPostgres.builder()
                .setOverrideWorkingDirectory(work.toFile())
                .setDataDirectory(work.resolve("data"))
                .setCleanDataDirectory(true)
                .setRegisterShutdownHook(false)
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("unix_socket_directories", "")
                // Only the bench user, with a password, over TCP; the superuser for the setup here.
                .setDataDirectoryCustomizer(data -> writeHba(data.toPath()))
                .start();
    }

    private static void writeHba(Path data) {
        try {
            Files.writeString(data.resolve("pg_hba.conf"), """
                    local all all trust
                    host all postgres 127.0.0.1/32 trust
                    host all all 127.0.0.1/32 scram-sha-256
                    """);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Creates the account, pgcrypto and vmq_auth_acl as docs/auth.md gives them; returns the stored hash. */
    private String provisionPostgres(int users) throws SQLException {
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + DB_USER + " LOGIN PASSWORD '" + dbPassword + "'");
            s.execute("CREATE DATABASE " + DATABASE + " OWNER " + DB_USER);
        }
        try (Connection c = postgres.getDatabase("postgres", DATABASE).getConnection();
             Statement s = c.createStatement()) {
            s.execute("CREATE EXTENSION IF NOT EXISTS pgcrypto");
        }
        try (Connection c = benchConnection(); Statement s = c.createStatement()) {
            s.execute("""
                    CREATE TABLE vmq_auth_acl (
                      mountpoint    varchar(10)  NOT NULL,
                      client_id     varchar(128) NOT NULL,
                      username      varchar(128) NOT NULL,
                      password      varchar(128),
                      publish_acl   json,
                      subscribe_acl json,
                      CONSTRAINT vmq_auth_acl_primary_key PRIMARY KEY (mountpoint, client_id, username))""");
            try (PreparedStatement insert = c.prepareStatement("""
                    WITH h AS (SELECT crypt(?, gen_salt('bf', %d)) AS hash)
                    INSERT INTO vmq_auth_acl (mountpoint, client_id, username, password, publish_acl, subscribe_acl)
                    SELECT '', 'bench-' || i, 'bench-' || i, h.hash, ?::json, ?::json FROM generate_series(0, ? - 1) i, h
                    UNION ALL SELECT '', '*', 'bench', h.hash, ?::json, ?::json FROM h""".formatted(COST))) {
                insert.setString(1, password);
                insert.setString(2, OWN_ACL);
                insert.setString(3, OWN_ACL);
                insert.setInt(4, users);
                insert.setString(5, SHARED_ACL);
                insert.setString(6, SHARED_ACL);
                insert.executeUpdate();
            }
            try (ResultSet r = s.executeQuery("SELECT password FROM vmq_auth_acl WHERE client_id = '*'")) {
                r.next();
                return r.getString(1);
            }
        }
    }

    private Connection benchConnection() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + DATABASE,
                DB_USER, dbPassword);
    }

    private String serverVersion() throws SQLException {
        try (Connection c = benchConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SHOW server_version")) {
            r.next();
            return r.getString(1);
        }
    }

    /** Milliseconds of one {@code password = crypt(<given>, password)} in the server, as postgres.lua asks it. */
    private double postgresCheckMillis(String hash) throws SQLException {
        try (Connection c = benchConnection();
             PreparedStatement check = c.prepareStatement("SELECT ? = crypt(?, ?)")) {
            check.setString(1, hash);
            check.setString(2, password);
            check.setString(3, hash);
            int rounds = 10;
            long began = 0;
            for (int i = -2; i < rounds; i++) {
                if (i == 0) {
                    began = System.nanoTime();
                }
                try (ResultSet r = check.executeQuery()) {
                    r.next();
                    if (!r.getBoolean(1)) {
                        throw new IllegalStateException("the stored hash does not verify");
                    }
                }
            }
            return (System.nanoTime() - began) / 1e6 / rounds;
        }
    }

    private void startRedis() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            redisPort = s.getLocalPort();
        }
        Path work = Files.createDirectories(dir.resolve("redis"));
        redis = RedisServer.newRedisServer()
                .port(redisPort)
                .setting("bind 127.0.0.1")
                .setting("save \"\"")
                .setting("appendonly no")
                .setting("dir " + work)
                .build();
        redis.start();
    }

    /** Stores the users in the layout of redis.lua; returns the stored hash. */
    private String provisionRedis(int users) {
        String hash = BCrypt.withDefaults().hashToString(COST, password.toCharArray());
        String own = "{\"passhash\":\"" + hash + "\",\"publish_acl\":" + OWN_ACL + ",\"subscribe_acl\":" + OWN_ACL + "}";
        try (Jedis jedis = new Jedis("127.0.0.1", redisPort)) {
            Pipeline p = jedis.pipelined();
            for (int i = 0; i < users; i++) {
                String user = "bench-" + i;
                p.set("[\"\",\"" + user + "\",\"" + user + "\"]", own);
            }
            p.set("[\"\",\"*\",\"bench\"]", "{\"passhash\":\"" + hash + "\",\"publish_acl\":" + SHARED_ACL
                    + ",\"subscribe_acl\":" + SHARED_ACL + "}");
            p.sync();
        }
        return hash;
    }

    /** Milliseconds of one check with the bcrypt library the broker's {@code bcrypt.hashpw} uses. */
    private double javaCheckMillis(String hash) {
        int rounds = 10;
        long began = 0;
        // Enough unmeasured rounds for the JIT to compile the key schedule, as in a broker that has run a while.
        for (int i = -10; i < rounds; i++) {
            if (i == 0) {
                began = System.nanoTime();
            }
            if (!BCrypt.verifyer().verify(password.toCharArray(), hash).verified) {
                throw new IllegalStateException("the stored hash does not verify");
            }
        }
        return (System.nanoTime() - began) / 1e6 / rounds;
    }

    private void writePrivate(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    private synchronized void stop() {
        if (redis != null) {
            try {
                redis.stop();
            } catch (IOException | RuntimeException e) {
                System.err.println("cannot stop Redis: " + e);
            }
            redis = null;
        }
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException | RuntimeException e) {
                System.err.println("cannot stop PostgreSQL: " + e);
            }
            postgres = null;
        }
        for (String sub : new String[] {"pg", "redis", "postgres.yaml", "redis.yaml", "ready"}) {
            deleteRecursively(dir.resolve(sub));
        }
    }

    private static void deleteRecursively(Path path) {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(path)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("cannot delete " + path + ": " + e);
        }
    }

    private static String randomSecret() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
