package io.polyhook.provider.sql;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a test database is and whom to log in as.
 *
 * @param host     host name or address
 * @param port     TCP port
 * @param user     a user that owns {@code database}
 * @param password that user's password
 * @param database a database the user may create tables in
 */
public record DatabaseAccount(String host, int port, String user, String password, String database) {

    /**
     * The account in a URL such as {@code postgresql://user:password@host:5432/database}
     * (the scheme is not checked; user info and path are percent-decoded).
     */
    public static DatabaseAccount fromUrl(String url, int defaultPort) {
        URI uri = URI.create(url);
        String userInfo = uri.getRawUserInfo() == null ? "" : uri.getRawUserInfo();
        int colon = userInfo.indexOf(':');
        String user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
        String password = colon < 0 ? "" : decode(userInfo.substring(colon + 1));
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        return new DatabaseAccount(uri.getHost(), uri.getPort() < 0 ? defaultPort : uri.getPort(), user, password,
                decode(path.startsWith("/") ? path.substring(1) : path));
    }

    /** The {@code ensure_pool} table for a pool {@code poolId} on this account. */
    public Map<String, Object> poolOptions(String poolId) {
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("pool_id", poolId);
        options.put("host", host);
        options.put("port", (long) port);
        options.put("user", user);
        options.put("password", password);
        options.put("database", database);
        return options;
    }

    /** Everything but the password. */
    @Override
    public String toString() {
        return user + "@" + host + ":" + port + "/" + database;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
