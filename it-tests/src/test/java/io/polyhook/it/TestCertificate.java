package io.polyhook.it;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed RSA certificate for CN=localhost and 127.0.0.1, made by the JDK's keytool: PEM
 * files for a tls/wss listener, and the trust a client needs for it.
 *
 * @param cert  the PEM certificate
 * @param key   the PEM (PKCS#8) private key
 * @param trust trusts exactly this certificate
 */
record TestCertificate(Path cert, Path key, TrustManagerFactory trust) {

    static TestCertificate make(Path dir) throws Exception {
        Path store = dir.resolve("broker.p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool failed");
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(store)) {
            ks.load(in, "changeit".toCharArray());
        }
        Key k = ks.getKey("broker", "changeit".toCharArray());
        Certificate c = ks.getCertificate("broker");
        Path key = dir.resolve("key.pem");
        Path cert = dir.resolve("cert.pem");
        Files.writeString(key, pem("PRIVATE KEY", k.getEncoded()));
        Files.writeString(cert, pem("CERTIFICATE", c.getEncoded()));
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("broker", c);
        trust.init(trusted);
        return new TestCertificate(cert, key, trust);
    }

    /** A client TLS context that trusts this certificate. */
    SSLContext clientContext() throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, trust.getTrustManagers(), null);
        return ctx;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
