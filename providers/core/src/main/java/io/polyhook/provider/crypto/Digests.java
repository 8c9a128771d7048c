package io.polyhook.provider.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The hash algorithms of {@code crypto.hash}, by their Erlang names, mapped to JDK digests. */
final class Digests {

    // Erlang's crypto names (what vmq_diversity scripts pass) to the JDK's standard names.
    private static final Map<String, String> JDK_NAMES = new LinkedHashMap<>();

    static {
        JDK_NAMES.put("md5", "MD5");
        JDK_NAMES.put("sha", "SHA-1");
        JDK_NAMES.put("sha224", "SHA-224");
        JDK_NAMES.put("sha256", "SHA-256");
        JDK_NAMES.put("sha384", "SHA-384");
        JDK_NAMES.put("sha512", "SHA-512");
        JDK_NAMES.put("sha3_224", "SHA3-224");
        JDK_NAMES.put("sha3_256", "SHA3-256");
        JDK_NAMES.put("sha3_384", "SHA3-384");
        JDK_NAMES.put("sha3_512", "SHA3-512");
    }

    private Digests() {
    }

    /** The names scripts may use, comma-separated, for error messages. */
    static String names() {
        return String.join(", ", JDK_NAMES.keySet());
    }

    /** The digest of {@code data} with {@code algorithm}, or empty if the name is unknown. */
    static Optional<byte[]> hash(String algorithm, byte[] data) {
        String jdkName = JDK_NAMES.get(algorithm);
        if (jdkName == null) {
            return Optional.empty();
        }
        try {
            // MessageDigest instances are not thread-safe and cheap to get: one per call.
            return Optional.of(MessageDigest.getInstance(jdkName).digest(data));
        } catch (NoSuchAlgorithmException e) {
            // Every JDK must provide these (MessageDigest's javadoc lists them).
            throw new IllegalStateException("the JDK has no " + jdkName, e);
        }
    }
}
