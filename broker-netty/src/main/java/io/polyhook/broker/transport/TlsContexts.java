package io.polyhook.broker.transport;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.polyhook.broker.config.ConfigException;
import io.polyhook.broker.config.ListenerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;

/**
 * The server TLS context of a {@code tls} or {@code wss} listener: its certificate and key, only
 * the protocol versions and cipher suites it allows ({@link io.polyhook.broker.config.TlsSettings}),
 * and no client-initiated renegotiation.
 */
final class TlsContexts {

    private static final Logger LOG = LoggerFactory.getLogger(TlsContexts.class);
    static final String REJECT_RENEGOTIATION = "jdk.tls.rejectClientInitiatedRenegotiation";

    static {
        // A client that renegotiates makes the server run a full handshake on demand, and MQTT has
        // no use for it. The JDK reads this once, when its first server handshake starts: so here,
        // before the broker builds any TLS context. An explicit setting is left alone.
        String set = System.getProperty(REJECT_RENEGOTIATION);
        if (set == null) {
            System.setProperty(REJECT_RENEGOTIATION, "true");
        } else if (!Boolean.parseBoolean(set)) {
            LOG.warn("-D{}={}: TLS clients may renegotiate", REJECT_RENEGOTIATION, set);
        }
    }

    private TlsContexts() {
    }

    /** The context of listener {@code index}; a bad certificate or key stops the start naming the key. */
    static SslContext of(ListenerConfig l, int index) {
        try {
            return SslContextBuilder.forServer(new File(l.certFile().orElseThrow()), new File(l.keyFile().orElseThrow()))
                    .protocols(l.tls().versions())
                    .ciphers(l.tls().ciphers(), SupportedCipherSuiteFilter.INSTANCE)
                    .build();
        } catch (Exception e) {
            throw new ConfigException("listeners[" + index + "].certfile", "cannot load the certificate or key: " + e.getMessage());
        }
    }
}
