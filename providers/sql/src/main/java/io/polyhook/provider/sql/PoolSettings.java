package io.polyhook.provider.sql;

import io.polyhook.core.provider.Values;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an SQL pool is made with. Read from the built-in defaults of its library, then the
 * {@code providers.<library>} config section, then a script's {@code ensure_pool} table, each
 * overriding the one before field by field. {@link #toString()} leaves the password out.
 *
 * @param encoding     the character set a {@code mysql} script asked for; the connection always
 *                     speaks utf8mb4, so this is only checked and kept
 * @param verifyPeer   {@code verify = "verify_peer"}: check the server's certificate and host name
 * @param hostnameCheck {@code customize_hostname_check}, e.g. {@code "https"}; kept for parity,
 *                     the JDK's host name check already accepts wildcard certificates
 */
record PoolSettings(String host, int port, String user, String password, String database, int size,
                    Duration connectTimeout, String encoding, boolean ssl, String certfile, String cacertfile,
                    String keyfile, boolean verifyPeer, int depth, String hostnameCheck, boolean useSystemCas) {

    static final String SIZE = "size";
    static final String POOL_SIZE = "pool_size";
    static final String CONNECT_TIMEOUT = "connect_timeout";

    /** The keys {@code ensure_pool} takes, besides {@code pool_id}. */
    static final Set<String> OPTIONS = Set.of(SIZE, "user", "password", "host", "port", "database", CONNECT_TIMEOUT,
            "encoding", "ssl", "certfile", "cacertfile", "keyfile", "verify", "depth", "customize_hostname_check",
            "use_system_cas");

    /** vmq_diversity's pool size; connections fail fast, well inside the default 5 s hook deadline. */
    static final int DEFAULT_SIZE = 5;
    static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofMillis(1500);
    // HikariCP refuses shorter connection timeouts.
    private static final Duration MIN_CONNECT_TIMEOUT = Duration.ofMillis(250);
    private static final int MAX_SIZE = 1_000;
    private static final Pattern DURATION = Pattern.compile("(\\d{1,12})\\s*(ms|s|m)?");

    /** A library's built-in settings: vmq_diversity's TLS defaults (verify_peer, system CAs, depth 3). */
    static PoolSettings builtIn(String host, int port, String user, String database, boolean ssl) {
        return new PoolSettings(host, port, user, "", database, DEFAULT_SIZE, DEFAULT_CONNECT_TIMEOUT, "utf8",
                ssl, "", "", "", true, 3, "https", true);
    }

    /**
     * These settings with the fields present in {@code fields} replaced.
     *
     * @param fromConfig whether {@code fields} is the config section, where the size may also
     *                   be called {@code pool_size}
     * @param error      makes the exception for a bad field from its name and what is wrong with it
     */
    <E extends RuntimeException> PoolSettings with(Map<String, Object> fields, boolean fromConfig,
                                                   BiFunction<String, String, E> error) {
        Field<E> f = new Field<>(fields, error);
        int size = this.size;
        if (fromConfig && fields.get(POOL_SIZE) != null) {
            size = f.integer(POOL_SIZE, 1, MAX_SIZE, size);
        }
        size = f.integer(SIZE, 1, MAX_SIZE, size);
        String verify = f.string("verify", verifyPeer ? "verify_peer" : "verify_none", false);
        if (!verify.equals("verify_peer") && !verify.equals("verify_none")) {
            throw error.apply("verify", "'verify_peer' or 'verify_none' expected, got '" + verify + "'");
        }
        String host = f.string("host", this.host, false);
        if (host.isBlank()) {
            throw error.apply("host", "a host name expected, got an empty string");
        }
        return new PoolSettings(
                host,
                f.integer("port", 1, 65_535, port),
                f.string("user", user, false),
                f.string("password", password, true),
                f.string("database", database, false),
                size,
                f.duration(CONNECT_TIMEOUT, connectTimeout),
                f.string("encoding", encoding, false),
                f.bool("ssl", ssl),
                f.string("certfile", certfile, false),
                f.string("cacertfile", cacertfile, false),
                f.string("keyfile", keyfile, false),
                verify.equals("verify_peer"),
                f.integer("depth", 0, 100, depth),
                f.hostnameCheck("customize_hostname_check", hostnameCheck),
                f.bool("use_system_cas", useSystemCas));
    }

    /** Where the pool connects, for messages: host and port, no credentials. */
    String address() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** Everything but the password. */
    @Override
    public String toString() {
        return "PoolSettings[host=" + host + ", port=" + port + ", user=" + user + ", password=<hidden>, database="
                + database + ", size=" + size + ", connectTimeout=" + connectTimeout + ", encoding=" + encoding
                + ", ssl=" + ssl + ", certfile=" + certfile + ", cacertfile=" + cacertfile + ", keyfile=" + keyfile
                + ", verifyPeer=" + verifyPeer + ", depth=" + depth + ", hostnameCheck=" + hostnameCheck
                + ", useSystemCas=" + useSystemCas + "]";
    }

    /**
     * A positive duration: a number of milliseconds, or a string of digits with an optional
     * unit ({@code ms}, {@code s}, {@code m}; milliseconds without one). {@code null} if
     * {@code value} is none of these.
     */
    static Duration parseDuration(Object value) {
        if (value instanceof String s) {
            Matcher m = DURATION.matcher(s.strip());
            if (!m.matches()) {
                return null;
            }
            long amount = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2) == null ? "ms" : m.group(2)) {
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofMillis(amount);
            };
            return d.isZero() ? null : d;
        }
        Long millis = integer(value);
        return millis == null || millis < 1 ? null : Duration.ofMillis(millis);
    }

    private static Long integer(Object value) {
        return switch (value) {
            case Long l -> l;
            case Double d when d == Math.rint(d) && Math.abs(d) < 0x1p53 -> d.longValue();
            case String s when s.strip().matches("\\d{1,9}") -> Long.parseLong(s.strip());
            case null, default -> null;
        };
    }

    /** Reads and checks the fields of one map, naming the field in every error. */
    private record Field<E extends RuntimeException>(Map<String, Object> fields, BiFunction<String, String, E> error) {

        int integer(String name, int min, int max, int def) {
            Object value = fields.get(name);
            if (value == null) {
                return def;
            }
            Long n = PoolSettings.integer(value);
            if (n == null || n < min || n > max) {
                throw error.apply(name, "an integer from " + min + " to " + max + " expected, got " + shown(value));
            }
            return n.intValue();
        }

        String string(String name, String def, boolean secret) {
            Object value = fields.get(name);
            if (value == null) {
                return def;
            }
            if (value instanceof String s) {
                return s;
            }
            // Config files may hold a numeric password or user; never show a password's value.
            if (value instanceof Long || value instanceof Double) {
                return value instanceof Double d && d == Math.rint(d) ? Long.toString(d.longValue()) : value.toString();
            }
            throw error.apply(name, "string expected, got " + (secret ? Values.typeName(value) : shown(value)));
        }

        boolean bool(String name, boolean def) {
            return switch (fields.get(name)) {
                case null -> def;
                case Boolean b -> b;
                case String s when s.equals("true") || s.equals("on") -> true;
                case String s when s.equals("false") || s.equals("off") -> false;
                case Object other -> throw error.apply(name, "boolean expected, got " + shown(other));
            };
        }

        String hostnameCheck(String name, String def) {
            return switch (fields.get(name)) {
                case null -> def;
                case String s -> s;
                case Boolean b -> b ? "https" : "";
                case Object other -> throw error.apply(name, "string expected, got " + shown(other));
            };
        }

        Duration duration(String name, Duration def) {
            Object value = fields.get(name);
            if (value == null) {
                return def;
            }
            Duration d = parseDuration(value);
            if (d == null || d.compareTo(MIN_CONNECT_TIMEOUT) < 0) {
                throw error.apply(name, "a duration of at least 250 ms expected (milliseconds, or a string such as "
                        + "\"1500ms\" or \"2s\"), got " + shown(value));
            }
            return d;
        }

        private static String shown(Object value) {
            return value instanceof Long || value instanceof Double ? value.toString()
                    : value instanceof String s ? "'" + s + "'" : Values.typeName(value);
        }
    }
}
