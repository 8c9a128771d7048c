package io.polyhook.it.auth;

import io.polyhook.provider.sql.DatabaseAccount;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/** The table {@code vmq_auth_acl} of mysql.lua and mysql2.lua, hashed in the server. */
final class MariaDbStore implements AuthStore {

    /** password_hash_method → the SQL that hashes the password (as the provider's hash_method()). */
    private static final Map<String, String> HASH_SQL = Map.of("password", "PASSWORD(?)", "md5", "MD5(?)",
            "sha1", "SHA1(?)", "sha256", "SHA2(?, 256)");

    private final DatabaseAccount account;
    private final String hashMethod;

    MariaDbStore(DatabaseAccount account, String hashMethod) {
        this.account = account;
        this.hashMethod = hashMethod;
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://" + account.host() + ":" + account.port() + "/"
                + account.database(), account.user(), account.password());
    }

    /** The providers section for {@code library} (mysql or mysql2) on this database. */
    String providersYaml(String library) {
        return library + ": { host: \"" + account.host() + "\", port: " + account.port() + ", user: \"" + account.user()
                + "\", password: \"" + account.password() + "\", database: \"" + account.database()
                + "\", pool_size: 2, password_hash_method: " + hashMethod + " }";
    }

    @Override
    public void reset() {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("""
                    CREATE TABLE IF NOT EXISTS vmq_auth_acl (
                      mountpoint VARCHAR(10) NOT NULL,
                      client_id VARCHAR(128) NOT NULL,
                      username VARCHAR(128) NOT NULL,
                      password VARCHAR(128),
                      publish_acl TEXT,
                      subscribe_acl TEXT,
                      PRIMARY KEY (mountpoint, client_id, username))""");
            s.execute("DELETE FROM vmq_auth_acl");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare vmq_auth_acl", e);
        }
    }

    @Override
    public void add(String mountpoint, String clientId, String username, String password, String publishAcl,
                    String subscribeAcl) {
        try (Connection c = connect(); PreparedStatement s = c.prepareStatement(
                "INSERT INTO vmq_auth_acl (mountpoint, client_id, username, password, publish_acl, subscribe_acl)"
                        + " VALUES (?, ?, ?, " + HASH_SQL.get(hashMethod) + ", ?, ?)")) {
            s.setString(1, mountpoint);
            s.setString(2, clientId);
            s.setString(3, username);
            s.setString(4, password);
            s.setString(5, publishAcl);
            s.setString(6, subscribeAcl);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot add a user", e);
        }
    }
}
