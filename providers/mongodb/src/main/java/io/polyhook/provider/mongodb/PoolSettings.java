package io.polyhook.provider.mongodb;

import io.polyhook.core.provider.ProviderOptions;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * What a MongoDB pool is made with. Read from the {@code providers.mongodb} config section,
 * then from a script's {@code ensure_pool} table, which overrides it field by field.
 *
 * @param srv a DNS seed list name; when set, {@code host} and {@code port} are not used
 * @param login empty for no authentication
 * @param password never shown by {@link #toString()}
 * @param size the most connections the pool opens (the driver's {@code maxPoolSize})
 * @param maxOverflow accepted for vmq_diversity scripts; the driver's pool grows on demand up
 *     to {@code size} and shrinks when idle, so there is no separate overflow
 * @param safeWrites {@code w_mode="safe"}: writes are acknowledged; {@code "unsafe"}: not
 * @param tls TLS settings; {@code null} without {@code ssl}
 * @param connectTimeout how long opening a connection may take
 * @param serverSelectionTimeout how long a call waits for a usable server: a down backend
 *     fails this fast
 * @param commandTimeout how long one operation may wait for its reply
 */
record PoolSettings(String host, int port, String srv, String login, String password, String authSource,
                    String database, int size, int maxOverflow, boolean safeWrites, String readPreference,
                    Tls tls, Duration connectTimeout, Duration serverSelectionTimeout, Duration commandTimeout) {

    static final Set<String> READ_PREFERENCES = Set.of("primary", "primaryPreferred", "secondary",
            "secondaryPreferred", "nearest");

    static final Set<String> FIELDS = Set.of("host", "port", "srv", "login", "password", "auth_source", "database",
            "size", "pool_size", "max_overflow", "w_mode", "read_preference", "ssl", "cafile", "cacertfile",
            "certfile", "keyfile", "verify", "sni", "connect_timeout", "server_selection_timeout", "command_timeout");

    /** vmq_diversity's defaults; timeouts short enough to fail well inside the 5 s hook deadline. */
    static final PoolSettings BUILT_IN = new PoolSettings("localhost", 27017, "", "", "", "admin", "polyhook", 5, 20,
            true, "primaryPreferred", null, Duration.ofMillis(1500), Duration.ofMillis(1500), Duration.ofSeconds(5));

    /**
     * TLS for the pool.
     *
     * @param caFile PEM certificates to trust instead of the JVM's; empty for the JVM's
     * @param certFile PEM client certificate chain; empty for none
     * @param keyFile PEM PKCS#8 private key of the client certificate
     * @param verifyPeer {@code verify="verify_peer"} (default); {@code "verify_none"} trusts any
     *     server certificate and host name
     */
    record Tls(String caFile, String certFile, String keyFile, boolean verifyPeer) {
    }

    /** These settings with the fields present in {@code fields} replaced. */
    PoolSettings with(Map<String, Object> fields, BiFunction<String, String, ? extends RuntimeException> error) {
        ProviderOptions o = ProviderOptions.of(fields, error);
        int size = o.integer("size", 1, 10_000, o.integer("pool_size", 1, 10_000, this.size));
        boolean safe = o.choice("w_mode", Set.of("safe", "unsafe"), safeWrites ? "safe" : "unsafe").equals("safe");
        Tls tls = this.tls;
        if (o.bool("ssl", tls != null)) {
            Tls base = tls != null ? tls : new Tls("", "", "", true);
            String verify = o.choice("verify", Set.of("verify_peer", "verify_none"),
                    base.verifyPeer() ? "verify_peer" : "verify_none");
            tls = new Tls(o.string("cacertfile", o.string("cafile", base.caFile())), o.string("certfile", base.certFile()),
                    o.string("keyfile", base.keyFile()), verify.equals("verify_peer"));
            if (!tls.certFile().isEmpty() && tls.keyFile().isEmpty()) {
                throw o.error("keyfile", "needed with certfile");
            }
        } else {
            tls = null;
        }
        return new PoolSettings(
                o.nonEmpty("host", host),
                o.integer("port", 1, 65_535, port),
                o.string("srv", srv),
                o.string("login", login),
                o.string("password", password),
                o.nonEmpty("auth_source", authSource),
                o.nonEmpty("database", database),
                size,
                o.integer("max_overflow", 0, 10_000, maxOverflow),
                safe,
                o.choice("read_preference", READ_PREFERENCES, readPreference),
                tls,
                o.duration("connect_timeout", connectTimeout),
                o.duration("server_selection_timeout", serverSelectionTimeout),
                o.duration("command_timeout", commandTimeout));
    }

    /** Where the pool connects, for messages: the SRV name or host:port, never credentials. */
    String target() {
        return srv.isEmpty() ? host + ":" + port : "mongodb+srv://" + srv;
    }

    @Override
    public String toString() {
        return "PoolSettings[" + target() + "/" + database + ", login=" + (login.isEmpty() ? "-" : login)
                + ", password=" + (password.isEmpty() ? "-" : "***") + ", authSource=" + authSource
                + ", size=" + size + ", w_mode=" + (safeWrites ? "safe" : "unsafe") + ", readPreference="
                + readPreference + ", tls=" + tls + ", connectTimeout=" + connectTimeout
                + ", serverSelectionTimeout=" + serverSelectionTimeout + ", commandTimeout=" + commandTimeout + "]";
    }
}
