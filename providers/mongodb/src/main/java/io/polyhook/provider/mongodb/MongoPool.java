package io.polyhook.provider.mongodb;

import com.mongodb.MongoClientSettings;
import com.mongodb.MongoCredential;
import com.mongodb.ReadPreference;
import com.mongodb.ServerAddress;
import com.mongodb.WriteConcern;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import org.bson.Document;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One named MongoDB pool: a {@link MongoClient} whose connection pool holds at most
 * {@code size} connections. The driver connects in the background, so a pool whose server is
 * down is created at once and its calls fail after the server selection timeout; it
 * reconnects by itself when the server is back. Thread-safe.
 */
final class MongoPool implements AutoCloseable {

    private final PoolSettings settings;
    private final MongoClientSettings clientSettings;
    private final MongoClient client;

    MongoPool(PoolSettings settings) {
        this.settings = settings;
        this.clientSettings = clientSettings(settings);
        this.client = MongoClients.create(clientSettings);
    }

    PoolSettings settings() {
        return settings;
    }

    MongoClientSettings clientSettings() {
        return clientSettings;
    }

    MongoCollection<Document> collection(String name) {
        return client.getDatabase(settings.database()).getCollection(name);
    }

    @Override
    public void close() {
        client.close();
    }

    private static MongoClientSettings clientSettings(PoolSettings s) {
        MongoClientSettings.Builder builder = MongoClientSettings.builder()
                .applicationName("polyhook")
                .applyToClusterSettings(cluster -> {
                    if (s.srv().isEmpty()) {
                        cluster.hosts(List.of(new ServerAddress(s.host(), s.port())));
                    } else {
                        cluster.srvHost(s.srv());
                    }
                    cluster.serverSelectionTimeout(s.serverSelectionTimeout().toMillis(), TimeUnit.MILLISECONDS);
                })
                .applyToConnectionPoolSettings(pool -> pool
                        .maxSize(s.size())
                        .minSize(0)
                        .maxWaitTime(s.commandTimeout().toMillis(), TimeUnit.MILLISECONDS))
                .applyToSocketSettings(socket -> socket
                        .connectTimeout((int) s.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                        .readTimeout((int) s.commandTimeout().toMillis(), TimeUnit.MILLISECONDS))
                // Frequent enough that a restarted server is noticed within about a second.
                .applyToServerSettings(server -> server.heartbeatFrequency(2, TimeUnit.SECONDS)
                        .minHeartbeatFrequency(250, TimeUnit.MILLISECONDS))
                .writeConcern(s.safeWrites() ? WriteConcern.ACKNOWLEDGED : WriteConcern.UNACKNOWLEDGED)
                .readPreference(ReadPreference.valueOf(s.readPreference()));
        if (!s.login().isEmpty()) {
            builder.credential(MongoCredential.createCredential(s.login(), s.authSource(), s.password().toCharArray()));
        }
        if (s.tls() != null) {
            SSLContext context = sslContext(s.tls());
            builder.applyToSslSettings(ssl -> {
                ssl.enabled(true).invalidHostNameAllowed(!s.tls().verifyPeer());
                if (context != null) {
                    ssl.context(context);
                }
            });
        }
        return builder.build();
    }

    /** The JVM's defaults ({@code null}) unless the pool names files or turns verification off. */
    private static SSLContext sslContext(PoolSettings.Tls tls) {
        if (tls.caFile().isEmpty() && tls.certFile().isEmpty() && tls.verifyPeer()) {
            return null;
        }
        try {
            TrustManager[] trust = null;
            if (!tls.verifyPeer()) {
                trust = new TrustManager[] {new TrustAll()};
            } else if (!tls.caFile().isEmpty()) {
                KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
                store.load(null, null);
                int i = 0;
                for (Certificate cert : certificates(tls.caFile())) {
                    store.setCertificateEntry("ca-" + i++, cert);
                }
                TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                factory.init(store);
                trust = factory.getTrustManagers();
            }
            KeyManagerFactory keys = null;
            if (!tls.certFile().isEmpty()) {
                KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
                store.load(null, null);
                char[] none = new char[0];
                store.setKeyEntry("client", privateKey(tls.keyFile()), none,
                        certificates(tls.certFile()).toArray(new Certificate[0]));
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(store, none);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys == null ? null : keys.getKeyManagers(), trust, null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            // The file names are the script's own config; the exception's text is not shown.
            throw new IllegalArgumentException("cannot set up TLS from cafile/certfile/keyfile ("
                    + e.getClass().getSimpleName() + ")", e);
        }
    }

    private static Collection<? extends Certificate> certificates(String file) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            return CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
    }

    private static PrivateKey privateKey(String file) throws IOException, GeneralSecurityException {
        String pem = Files.readString(Path.of(file));
        String base64 = pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64));
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException notThisOne) {
                // try the next algorithm
            }
        }
        throw new GeneralSecurityException("not a PKCS#8 RSA, EC or Ed25519 key");
    }

    /** {@code verify="verify_none"}: any server certificate is accepted. */
    private static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
