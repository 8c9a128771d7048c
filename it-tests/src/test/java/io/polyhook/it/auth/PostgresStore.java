package io.polyhook.it.auth;

import io.polyhook.provider.sql.DatabaseAccount;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The table {@code vmq_auth_acl} of postgres.lua and cockroachdb.lua, on PostgreSQL. Passwords
 * are stored as {@code crypt} (pgcrypto, server side), {@code bcrypt} or {@code sha256} (hex)
 * hashes. For {@code sha256} the database gets CockroachDB's {@code sha256(text) -> hex text}.
 */
final class PostgresStore implements AuthStore {

    private final DatabaseAccount account;
    private final String hashMethod;

    PostgresStore(DatabaseAccount account, String hashMethod) {
        this.account = account;
        this.hashMethod = hashMethod;
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://" + account.host() + ":" + account.port() + "/"
                + account.database(), account.user(), account.password());
    }

    /** The providers section for {@code library} (postgres or cockroachdb) on this database. */
    String providersYaml(String library, String extra) {
        return library + ": { host: \"" + account.host() + "\", port: " + account.port() + ", user: \"" + account.user()
                + "\", password: \"" + account.password() + "\", database: \"" + account.database()
                + "\", pool_size: 2, password_hash_method: " + hashMethod + extra + " }";
    }

    @Override
    public void reset() {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE EXTENSION IF NOT EXISTS pgcrypto");
            s.execute("""
                    CREATE TABLE IF NOT EXISTS vmq_auth_acl (
                      mountpoint varchar(10) NOT NULL,
                      client_id varchar(128) NOT NULL,
                      username varchar(128) NOT NULL,
                      password varchar(128),
                      publish_acl json,
                      subscribe_acl json,
                      CONSTRAINT vmq_auth_acl_primary_key PRIMARY KEY (mountpoint, client_id, username))""");
            // CockroachDB's built-in sha256(string) returns the hex digest as a string.
            s.execute("""
                    CREATE OR REPLACE FUNCTION sha256(text) RETURNS text LANGUAGE sql IMMUTABLE
                    AS $$ SELECT encode(pg_catalog.sha256(convert_to($1, 'UTF8')), 'hex') $$""");
            s.execute("DELETE FROM vmq_auth_acl");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare vmq_auth_acl", e);
        }
    }

    @Override
    public void add(String mountpoint, String clientId, String username, String password, String publishAcl,
                    String subscribeAcl) {
        String hash = switch (hashMethod) {
            case "crypt" -> "crypt(?, gen_salt('bf'))";
            default -> "?";
        };
        String stored = switch (hashMethod) {
            case "crypt" -> password;
            case "bcrypt" -> AuthStore.bcrypt(password);
            case "sha256" -> AuthStore.sha256Hex(password);
            default -> throw new IllegalArgumentException(hashMethod);
        };
        try (Connection c = connect(); PreparedStatement s = c.prepareStatement(
                "INSERT INTO vmq_auth_acl (mountpoint, client_id, username, password, publish_acl, subscribe_acl)"
                        + " VALUES (?, ?, ?, " + hash + ", ?::json, ?::json)")) {
            s.setString(1, mountpoint);
            s.setString(2, clientId);
            s.setString(3, username);
            s.setString(4, stored);
            s.setString(5, publishAcl);
            s.setString(6, subscribeAcl);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot add a user", e);
        }
    }
}
