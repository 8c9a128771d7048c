package io.polyhook.provider.sql;

import java.util.List;
import java.util.Map;

/**
 * The four SQL libraries scripts see, and what sets them apart: the driver they speak through,
 * their default pool id and settings, and the password hash methods they name.
 */
enum SqlLibrary {

    POSTGRES("postgres", Dialect.POSTGRES, "pool_postgres",
            PoolSettings.builtIn("localhost", 5432, "postgres", "polyhook", false),
            List.of("crypt", "bcrypt"), "crypt"),
    // CockroachDB speaks the PostgreSQL protocol; vmq_diversity turns TLS on for it by default.
    COCKROACHDB("cockroachdb", Dialect.POSTGRES, "pool_cockroachdb",
            PoolSettings.builtIn("localhost", 26257, "root", "polyhook", true),
            List.of("sha256", "bcrypt"), "bcrypt"),
    MYSQL("mysql", Dialect.MARIADB, "pool_mysql",
            PoolSettings.builtIn("localhost", 3306, "root", "polyhook", false),
            List.of("password", "md5", "sha1", "sha256"), "password"),
    MYSQL2("mysql2", Dialect.MARIADB, "pool_mysql2",
            PoolSettings.builtIn("localhost", 3306, "root", "polyhook", false),
            List.of("password", "md5", "sha1", "sha256"), "sha256");

    /** The SQL fragment each MySQL hash method stands for, as {@code mysql.hash_method()} returns it. */
    private static final Map<String, String> MYSQL_HASH_FRAGMENTS = Map.of(
            "password", "PASSWORD(?)",
            "md5", "MD5(?)",
            "sha1", "SHA1(?)",
            "sha256", "SHA2(?, 256)");

    private final String libraryName;
    private final Dialect dialect;
    private final String defaultPoolId;
    private final PoolSettings builtInSettings;
    private final List<String> hashMethods;
    private final String defaultHashMethod;

    SqlLibrary(String libraryName, Dialect dialect, String defaultPoolId, PoolSettings builtInSettings,
               List<String> hashMethods, String defaultHashMethod) {
        this.libraryName = libraryName;
        this.dialect = dialect;
        this.defaultPoolId = defaultPoolId;
        this.builtInSettings = builtInSettings;
        this.hashMethods = hashMethods;
        this.defaultHashMethod = defaultHashMethod;
    }

    /** The global name scripts use: {@code postgres}, {@code mysql2}, ... */
    String libraryName() {
        return libraryName;
    }

    Dialect dialect() {
        return dialect;
    }

    String defaultPoolId() {
        return defaultPoolId;
    }

    /** The settings a pool gets for everything neither the config nor the script sets. */
    PoolSettings builtInSettings() {
        return builtInSettings;
    }

    /** The values {@code password_hash_method} may take. */
    List<String> hashMethods() {
        return hashMethods;
    }

    String defaultHashMethod() {
        return defaultHashMethod;
    }

    /**
     * What {@code hash_method()} returns for {@code method}: its name for PostgreSQL and
     * CockroachDB, the SQL fragment that hashes a {@code ?} parameter for MySQL.
     */
    String hashMethodResult(String method) {
        return dialect == Dialect.MARIADB ? MYSQL_HASH_FRAGMENTS.get(method) : method;
    }

    /** The two drivers. */
    enum Dialect {
        /** pgjdbc; {@code $1..$n} placeholders. */
        POSTGRES,
        /** MariaDB Connector/J, which speaks to MySQL and MariaDB; {@code ?} placeholders. */
        MARIADB
    }
}
