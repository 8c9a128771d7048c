package io.polyhook.broker.config;

import java.util.List;

/**
 * The TLS protocol versions and cipher suites a {@code tls} or {@code wss} listener accepts.
 * Client-initiated renegotiation is always refused.
 *
 * @param versions the protocol versions, {@code TLSv1.3} and/or {@code TLSv1.2}
 * @param ciphers  the cipher suites (JSSE names), in order of preference
 */
public record TlsSettings(List<String> versions, List<String> ciphers) {

    /**
     * TLS 1.3 and 1.2 with forward-secret AEAD suites only (Mozilla's "intermediate" choice
     * without the DHE suites): no CBC, no SHA-1 MAC, no RSA key exchange.
     */
    public static final TlsSettings DEFAULT = new TlsSettings(List.of("TLSv1.3", "TLSv1.2"), List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"));

    /** The protocol versions a listener may enable. */
    public static final List<String> KNOWN_VERSIONS = List.of("TLSv1.3", "TLSv1.2");

    /** Copies the lists. */
    public TlsSettings {
        versions = List.copyOf(versions);
        ciphers = List.copyOf(ciphers);
    }
}
