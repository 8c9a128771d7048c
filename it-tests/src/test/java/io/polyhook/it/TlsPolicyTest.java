package io.polyhook.it;

import io.polyhook.broker.config.ListenerConfig;
import io.polyhook.broker.config.TlsSettings;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Which TLS a tls listener speaks, tried with the JDK's own TLS client offering one protocol
 * version and one cipher suite at a time: TLS 1.3 and 1.2 with AEAD suites only by default
 * (a client offering only a CBC-SHA1 suite is refused), the listener's own choice when it sets
 * one, and no client-initiated renegotiation.
 */
@ExtendWith(NettyLeakGuard.class)
class TlsPolicyTest {

    @TempDir
    static Path dir;
    static TestCertificate certificate;

    @BeforeAll
    static void makeCertificate() throws Exception {
        certificate = TestCertificate.make(dir);
    }

    private static TestBroker tlsBroker(TlsSettings tls) {
        ListenerConfig listener = new ListenerConfig(ListenerConfig.Kind.TLS, "127.0.0.1", 0, "/mqtt", "", Optional.empty(),
                Optional.of(certificate.cert().toString()), Optional.of(certificate.key().toString()), tls);
        return TestBroker.configured(c -> c.withBroker(c.broker().withAllowAnonymous(true)).withListeners(List.of(listener)));
    }

    /** A TLS client offering only {@code protocol} and {@code suite}; connected and handshaken. */
    private static SSLSocket client(TestBroker broker, String protocol, String suite) throws Exception {
        SSLSocket s = (SSLSocket) certificate.clientContext().getSocketFactory().createSocket();
        s.connect(new InetSocketAddress("127.0.0.1", broker.broker.boundPort("tls")), 10_000);
        s.setSoTimeout(15_000);
        s.setEnabledProtocols(new String[] {protocol});
        s.setEnabledCipherSuites(new String[] {suite});
        s.startHandshake();
        return s;
    }

    /** CONNECT (3.1.1) and the CONNACK's return code over {@code s}. */
    private static int connect(SSLSocket s, String id) throws IOException {
        s.getOutputStream().write(RawMqtt.connectPacket(id.getBytes(StandardCharsets.UTF_8), 4));
        s.getOutputStream().flush();
        RawMqtt.Packet ack = RawMqtt.read(new DataInputStream(s.getInputStream()));
        assertThat(ack).isNotNull();
        assertThat(ack.type()).isEqualTo(2);
        return ack.body()[1];
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "TLSv1.3, TLS_AES_128_GCM_SHA256",
            "TLSv1.3, TLS_CHACHA20_POLY1305_SHA256",
            "TLSv1.2, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLSv1.2, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLSv1.2, TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
    })
    void aModernClientIsAccepted(String protocol, String suite) throws Exception {
        try (TestBroker broker = tlsBroker(TlsSettings.DEFAULT); SSLSocket s = client(broker, protocol, suite)) {
            assertThat(s.getSession().getCipherSuite()).isEqualTo(suite);
            assertThat(connect(s, "modern")).isZero();
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "TLSv1.2, TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
            "TLSv1.2, TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
            "TLSv1.2, TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
    })
    void aClientOfferingOnlyACbcSuiteIsRefused(String protocol, String suite) {
        try (TestBroker broker = tlsBroker(TlsSettings.DEFAULT)) {
            assertThatThrownBy(() -> client(broker, protocol, suite).close()).isInstanceOf(SSLException.class);
        }
    }

    @Test
    void aListenerMayAllowOnlyTls13() throws Exception {
        try (TestBroker broker = tlsBroker(new TlsSettings(List.of("TLSv1.3"), TlsSettings.DEFAULT.ciphers()))) {
            assertThatThrownBy(() -> client(broker, "TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256").close())
                    .isInstanceOf(SSLException.class);
            try (SSLSocket s = client(broker, "TLSv1.3", "TLS_AES_256_GCM_SHA384")) {
                assertThat(connect(s, "only13")).isZero();
            }
        }
    }

    @Test
    void aClientThatRenegotiatesIsRefused() throws Exception {
        try (TestBroker broker = tlsBroker(TlsSettings.DEFAULT);
             SSLSocket s = client(broker, "TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")) {
            assertThat(connect(s, "renegotiates")).isZero();
            assertThatThrownBy(() -> {
                s.startHandshake();
                // A PINGREQ after the renegotiation: answered only if the broker went along with it.
                s.getOutputStream().write(new byte[] {(byte) 0xC0, 0});
                s.getOutputStream().flush();
                RawMqtt.Packet p = RawMqtt.read(new DataInputStream(s.getInputStream()));
                if (p == null) {
                    throw new SSLException("closed by the broker");
                }
            }).isInstanceOf(IOException.class);
        }
    }
}
