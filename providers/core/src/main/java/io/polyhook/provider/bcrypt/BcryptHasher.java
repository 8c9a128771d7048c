package io.polyhook.provider.bcrypt;

import at.favre.lib.crypto.bcrypt.BCrypt;
import at.favre.lib.crypto.bcrypt.LongPasswordStrategies;
import at.favre.lib.crypto.bcrypt.Radix64Encoder;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * OpenBSD bcrypt, as {@code bcrypt.gen_salt} and {@code bcrypt.hashpw} use it. Thread-safe;
 * the hashing runs on the calling thread.
 */
final class BcryptHasher {

    static final int MIN_COST = BCrypt.MIN_COST;
    static final int MAX_COST = BCrypt.MAX_COST;
    static final int DEFAULT_COST = 12;

    // "$2a$12$" then 22 characters of salt; a whole hash has 31 more, which are ignored, so a
    // stored hash serves as its own salt.
    private static final Pattern SALT = Pattern.compile("^\\$2([aby])\\$(\\d\\d)\\$([./A-Za-z0-9]{22})");
    private static final int SALT_BYTES = 16;

    private final int cost;
    private final SecureRandom random;
    private final Radix64Encoder radix64 = new Radix64Encoder.Default();
    // By the letter after "$2". No long-password strategy: the key schedule reads the first
    // 72 bytes only, which is OpenBSD's truncation (the library's own "truncate" keeps 71
    // bytes and adds the NUL). The hashers never draw from the random: salts are given.
    private final Map<String, BCrypt.Hasher> hashers;

    BcryptHasher(int cost, SecureRandom random) {
        if (cost < MIN_COST || cost > MAX_COST) {
            throw new IllegalArgumentException("cost must be between " + MIN_COST + " and " + MAX_COST + ", was " + cost);
        }
        this.cost = cost;
        this.random = random;
        this.hashers = Map.of(
                "a", BCrypt.with(BCrypt.Version.VERSION_2A, random, LongPasswordStrategies.none()),
                "b", BCrypt.with(BCrypt.Version.VERSION_2B, random, LongPasswordStrategies.none()),
                "y", BCrypt.with(BCrypt.Version.VERSION_2Y, random, LongPasswordStrategies.none()));
    }

    /**
     * A new salt with this hasher's cost, such as {@code $2a$12$Ro0CUfOqk6cXEKf3dyaM7O}. It
     * uses the {@code $2a$} prefix, which every bcrypt implementation can verify.
     */
    String genSalt() {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        return "$2a$%02d$%s".formatted(cost, new String(radix64.encode(salt), StandardCharsets.US_ASCII));
    }

    /**
     * The bcrypt hash of {@code password} with the version, cost and salt of
     * {@code saltOrHash} (a salt from {@link #genSalt()} or a whole hash), so that
     * {@code hashpw(pw, stored).equals(stored)} verifies a password. Empty if
     * {@code saltOrHash} is neither.
     *
     * <p>Passwords longer than 72 bytes are cut to 72, as OpenBSD's bcrypt does.
     */
    Optional<String> hashpw(byte[] password, String saltOrHash) {
        Matcher m = SALT.matcher(saltOrHash);
        if (!m.find()) {
            return Optional.empty();
        }
        int hashCost = Integer.parseInt(m.group(2));
        if (hashCost < MIN_COST || hashCost > MAX_COST) {
            return Optional.empty();
        }
        byte[] salt = radix64.decode(m.group(3).getBytes(StandardCharsets.US_ASCII));
        if (salt.length != SALT_BYTES) {
            return Optional.empty();
        }
        byte[] hash = hashers.get(m.group(1)).hash(hashCost, salt, password);
        return Optional.of(new String(hash, StandardCharsets.US_ASCII));
    }
}
