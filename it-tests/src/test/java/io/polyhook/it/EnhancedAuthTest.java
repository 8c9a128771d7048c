package io.polyhook.it;

import com.hivemq.client.mqtt.datatypes.MqttUtf8String;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientConfig;
import com.hivemq.client.mqtt.mqtt5.auth.Mqtt5EnhancedAuthMechanism;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5Auth;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5AuthBuilder;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5EnhancedAuthBuilder;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5Connect;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5Disconnect;
import io.polyhook.spi.AuthModifiers;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.Plugin;
import io.polyhook.spi.PluginContext;
import io.polyhook.spi.Verdict;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

import static io.polyhook.it.PublishSubscribeTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** MQTT 5 enhanced authentication through on_auth_m5: a challenge and a response. */
class EnhancedAuthTest {

    /** hello → challenge; response → success with "welcome"; anything else → deny. */
    static final class ChallengePlugin implements Plugin {
        final Queue<String> seen = new ConcurrentLinkedQueue<>();

        @Override
        public void start(PluginContext context) {
            context.hooks().register(Hooks.ON_AUTH_M5, ac -> {
                String data = ac.properties().authenticationData().map(Bytes::toUtf8String).orElse("");
                seen.add(ac.properties().authenticationMethod().orElse("?") + ":" + data);
                return switch (data) {
                    case "hello" -> Verdict.ok(AuthModifiers.continueWith(Bytes.utf8("challenge")));
                    case "response" -> Verdict.ok(AuthModifiers.success(Bytes.utf8("welcome")));
                    default -> Verdict.deny();
                };
            });
        }
    }

    /** The client side: answers "challenge" with {@code answer}. */
    static final class Mechanism implements Mqtt5EnhancedAuthMechanism {
        final String answer;
        volatile String serverFinalData;

        Mechanism(String answer) {
            this.answer = answer;
        }

        @Override
        public MqttUtf8String getMethod() {
            return MqttUtf8String.of("CHALLENGE");
        }

        @Override
        public int getTimeout() {
            return 10;
        }

        @Override
        public CompletableFuture<Void> onAuth(Mqtt5ClientConfig c, Mqtt5Connect connect, Mqtt5EnhancedAuthBuilder b) {
            b.data(bytes("hello"));
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> onReAuth(Mqtt5ClientConfig c, Mqtt5AuthBuilder b) {
            b.data(bytes("hello"));
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Boolean> onContinue(Mqtt5ClientConfig c, Mqtt5Auth auth, Mqtt5AuthBuilder b) {
            boolean challenged = auth.getData().map(EnhancedAuthTest::text).orElse("").equals("challenge");
            b.data(bytes(answer));
            return CompletableFuture.completedFuture(challenged);
        }

        @Override
        public CompletableFuture<Boolean> onAuthSuccess(Mqtt5ClientConfig c, Mqtt5ConnAck connAck) {
            serverFinalData = connAck.getEnhancedAuth().flatMap(a -> a.getData()).map(EnhancedAuthTest::text).orElse(null);
            return CompletableFuture.completedFuture(true);
        }

        @Override
        public CompletableFuture<Boolean> onReAuthSuccess(Mqtt5ClientConfig c, Mqtt5Auth auth) {
            return CompletableFuture.completedFuture(true);
        }

        @Override
        public void onAuthRejected(Mqtt5ClientConfig c, Mqtt5ConnAck connAck) {
        }

        @Override
        public void onReAuthRejected(Mqtt5ClientConfig c, Mqtt5Disconnect disconnect) {
        }

        @Override
        public void onAuthError(Mqtt5ClientConfig c, Throwable cause) {
        }

        @Override
        public void onReAuthError(Mqtt5ClientConfig c, Throwable cause) {
        }
    }

    private final ChallengePlugin plugin = new ChallengePlugin();
    private TestBroker broker;

    @BeforeEach
    void start() {
        broker = TestBroker.start(plugin);
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    @Test
    void challengeAndResponseAdmitTheClient() {
        Mechanism mechanism = new Mechanism("response");
        Mqtt5BlockingClient c = broker.v5Builder("ea").enhancedAuth(mechanism).buildBlocking();
        broker.track(c);
        c.connect();
        assertThat(c.getState().isConnected()).isTrue();
        assertThat(plugin.seen).containsExactly("CHALLENGE:hello", "CHALLENGE:response");
        assertThat(mechanism.serverFinalData).isEqualTo("welcome");
    }

    @Test
    void wrongResponseIsRefused() {
        Mqtt5BlockingClient c = broker.v5Builder("eb").enhancedAuth(new Mechanism("wrong")).buildBlocking();
        broker.track(c);
        assertThatThrownBy(c::connect).isInstanceOfSatisfying(Mqtt5ConnAckException.class, e ->
                assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED));
    }

    @Test
    void reAuthenticationRunsTheExchangeAgain() {
        Mqtt5BlockingClient c = broker.v5Builder("er").enhancedAuth(new Mechanism("response")).buildBlocking();
        broker.track(c);
        c.connect();
        c.reauth();
        assertThat(plugin.seen).containsExactly("CHALLENGE:hello", "CHALLENGE:response", "CHALLENGE:hello",
                "CHALLENGE:response");
        assertThat(c.getState().isConnected()).isTrue();
    }

    static String text(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] a = new byte[d.remaining()];
        d.get(a);
        return new String(a, StandardCharsets.UTF_8);
    }
}
