package io.polyhook.provider.sql;

import org.mariadb.jdbc.MariaDbDataSource;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * The driver's data source for a pool's settings. Credentials are set on the data source,
 * never put into a URL, so no URL that a driver or HikariCP might log holds them.
 */
final class DataSources {

    private DataSources() {
    }

    static DataSource create(SqlLibrary library, PoolSettings settings) {
        return library.dialect() == SqlLibrary.Dialect.POSTGRES ? postgres(settings) : mariadb(settings);
    }

    /**
     * pgjdbc. TLS: {@code verify_peer} is {@code sslmode=verify-full} (chain and host name),
     * {@code verify_none} is {@code sslmode=require} (encrypted, unchecked); {@code cacertfile},
     * {@code certfile}, {@code keyfile} become {@code sslrootcert}, {@code sslcert},
     * {@code sslkey}; with no {@code cacertfile} and {@code use_system_cas}, the JDK's trust
     * store checks the server. The TLS server name (SNI) is {@code host}.
     */
    static PGSimpleDataSource postgres(PoolSettings s) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {s.host()});
        ds.setPortNumbers(new int[] {s.port()});
        ds.setDatabaseName(s.database());
        ds.setUser(s.user());
        ds.setPassword(s.password());
        ds.setApplicationName("polyhook");
        // Strings are sent untyped and the server infers their type from where they are used,
        // as epgsql did: '42' binds to an integer column.
        ds.setStringType("unspecified");
        int seconds = (int) Math.max(1, (s.connectTimeout().toMillis() + 999) / 1000);
        ds.setConnectTimeout(seconds);
        ds.setLoginTimeout(seconds);
        if (!s.ssl()) {
            ds.setSslMode("disable");
            return ds;
        }
        ds.setSslMode(s.verifyPeer() ? "verify-full" : "require");
        if (!s.cacertfile().isEmpty()) {
            ds.setSslRootCert(s.cacertfile());
        } else if (s.verifyPeer() && s.useSystemCas()) {
            ds.setSslfactory("org.postgresql.ssl.DefaultJavaSSLFactory");
        }
        if (!s.certfile().isEmpty()) {
            ds.setSslCert(s.certfile());
        }
        if (!s.keyfile().isEmpty()) {
            ds.setSslKey(s.keyfile());
        }
        return ds;
    }

    /**
     * MariaDB Connector/J, for MySQL and MariaDB servers. TLS: {@code verify_peer} is
     * {@code sslMode=verify-full}, {@code verify_none} {@code sslMode=trust}; {@code cacertfile}
     * becomes {@code serverSslCert} (otherwise the JDK's trust store is used);
     * {@code certfile} is the client's key store (PKCS#12 or JKS) holding certificate and key.
     */
    static MariaDbDataSource mariadb(PoolSettings s) {
        StringJoiner options = new StringJoiner("&", "?", "");
        options.add("connectTimeout=" + s.connectTimeout().toMillis());
        // TINYINT(1) columns stay numbers, as the Erlang MySQL drivers gave them.
        options.add("tinyInt1isBit=false");
        if (s.ssl()) {
            options.add("sslMode=" + (s.verifyPeer() ? "verify-full" : "trust"));
            if (!s.cacertfile().isEmpty()) {
                options.add("serverSslCert=" + encode(s.cacertfile()));
            }
            if (!s.certfile().isEmpty()) {
                options.add("keyStore=" + encode(s.certfile()));
                String lower = s.certfile().toLowerCase(Locale.ROOT);
                options.add("keyStoreType=" + (lower.endsWith(".jks") ? "JKS" : "PKCS12"));
            }
        } else {
            options.add("sslMode=disable");
        }
        String url = "jdbc:mariadb://" + s.address() + "/" + encode(s.database()) + options;
        try {
            MariaDbDataSource ds = new MariaDbDataSource(url);
            ds.setUser(s.user());
            ds.setPassword(s.password());
            return ds;
        } catch (SQLException e) {
            // The URL holds no credentials, but the message is the driver's: give the kind only.
            throw new IllegalArgumentException("invalid connection settings for " + s.address()
                    + " (SQLState " + e.getSQLState() + ")");
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
