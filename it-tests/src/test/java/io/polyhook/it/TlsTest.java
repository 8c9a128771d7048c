package io.polyhook.it;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.polyhook.broker.config.ListenerConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.TrustManagerFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static io.polyhook.it.PublishSubscribeTest.bytes;
import static io.polyhook.it.PublishSubscribeTest.text;
import static org.assertj.core.api.Assertions.assertThat;

/** tls and wss listeners with a PEM certificate and key made for the test by the JDK's keytool. */
class TlsTest {

    @TempDir
    static Path dir;
    static Path cert;
    static Path key;
    static TrustManagerFactory trust;

    @BeforeAll
    static void makeCertificate() throws Exception {
        TestCertificate made = TestCertificate.make(dir);
        cert = made.cert();
        key = made.key();
        trust = made.trust();
    }

    private static ListenerConfig secure(ListenerConfig.Kind kind) {
        return new ListenerConfig(kind, "127.0.0.1", 0, "/mqtt", "", Optional.empty(), Optional.of(cert.toString()),
                Optional.of(key.toString()));
    }

    @Test
    void mqttOverTlsAndSecureWebSocketWorks() throws Exception {
        try (TestBroker broker = TestBroker.configured(c -> c.withListeners(List.of(
                ListenerConfig.of(ListenerConfig.Kind.TCP, "127.0.0.1", 0),
                secure(ListenerConfig.Kind.TLS), secure(ListenerConfig.Kind.WSS))))) {
            MqttClientSslConfig ssl = MqttClientSslConfig.builder().trustManagerFactory(trust).build();
            Mqtt5BlockingClient tls = MqttClient.builder().useMqttVersion5().identifier("tls").serverHost("127.0.0.1")
                    .serverPort(broker.broker.boundPort("tls")).sslConfig(ssl).buildBlocking();
            Mqtt5BlockingClient wss = MqttClient.builder().useMqttVersion5().identifier("wss").serverHost("127.0.0.1")
                    .serverPort(broker.broker.boundPort("wss")).sslConfig(ssl)
                    .webSocketConfig().serverPath("mqtt").applyWebSocketConfig().buildBlocking();
            tls.connect();
            broker.track(tls);
            wss.connect();
            broker.track(wss);
            try (var in = wss.publishes(MqttGlobalPublishFilter.ALL)) {
                wss.subscribeWith().topicFilter("secure").qos(MqttQos.AT_LEAST_ONCE).send();
                tls.publishWith().topic("secure").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("encrypted")).send();
                assertThat(text(in.receive(10, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes())).isEqualTo("encrypted");
            }
        }
    }
}
