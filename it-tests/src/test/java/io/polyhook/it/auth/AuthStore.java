package io.polyhook.it.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Where a bundled auth script finds its users: a table, a collection or Redis keys. */
interface AuthStore {

    /** Creates the schema if needed and removes every entry. */
    void reset();

    /**
     * Adds the entry of {@code username} for {@code clientId} ({@code "*"}: any client id),
     * hashing {@code password} the way the script under test checks it. The ACLs are JSON arrays.
     */
    void add(String mountpoint, String clientId, String username, String password, String publishAcl,
             String subscribeAcl);

    /** A $2a$ bcrypt hash at the lowest cost, to keep the tests fast. */
    static String bcrypt(String password) {
        return BCrypt.with(BCrypt.Version.VERSION_2A).hashToString(4, password.toCharArray());
    }

    /** The lower-case hex SHA-256 of the UTF-8 password, as CockroachDB's sha256() gives it. */
    static String sha256Hex(String password) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(password.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
