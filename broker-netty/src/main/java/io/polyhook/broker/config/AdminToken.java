package io.polyhook.broker.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * The bearer token of the admin API ({@code admin.token}). Never printed: {@link #toString()}
 * hides it, so a config that is logged or shown in an exception does not leak it.
 */
public final class AdminToken {

    /** Tokens shorter than this are refused: they could be guessed. */
    public static final int MIN_LENGTH = 16;

    private final byte[] value;

    private AdminToken(String value) {
        this.value = value.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A token; throws {@link ConfigException} for {@code admin.token} (without the value) if it is
     * shorter than {@link #MIN_LENGTH} characters or has characters an HTTP header cannot carry.
     */
    public static AdminToken of(String value) {
        Objects.requireNonNull(value, "value");
        if (value.length() < MIN_LENGTH) {
            throw new ConfigException("admin.token", "must be at least " + MIN_LENGTH + " characters long");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= ' ' || c >= 0x7F) {
                throw new ConfigException("admin.token", "may only have visible ASCII characters (no spaces)");
            }
        }
        return new AdminToken(value);
    }

    /** Whether an {@code Authorization} header value is {@code Bearer <this token>}; in constant time. */
    public boolean admits(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        byte[] presented = authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(presented, value);
    }

    /** The header value that carries this token: {@code Bearer <token>}. */
    public String authorizationHeader() {
        return "Bearer " + new String(value, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AdminToken t && MessageDigest.isEqual(t.value, value);
    }

    @Override
    public int hashCode() {
        return 1;
    }

    @Override
    public String toString() {
        return "AdminToken[hidden]";
    }
}
