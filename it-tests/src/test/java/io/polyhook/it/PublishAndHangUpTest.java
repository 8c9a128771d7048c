package io.polyhook.it;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.Plugin;
import io.polyhook.spi.PluginContext;
import io.polyhook.spi.Verdict;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.polyhook.it.PublishSubscribeTest.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that publishes and hangs up at once, as {@code mosquitto_pub} does (CONNECT, PUBLISH,
 * DISCONNECT, close), while {@code auth_on_publish} is still deciding: the message is routed when
 * the verdict comes, though the connection is gone by then.
 */
class PublishAndHangUpTest {

    private static final byte[] DISCONNECT = {(byte) 0xE0, 0};

    // Counted down when the broker has seen the connection close, so the verdict comes after it.
    private final CountDownLatch hungUp = new CountDownLatch(1);
    private TestBroker broker;
    private Mqtt5BlockingClient subscriber;
    private Mqtt5BlockingClient.Mqtt5Publishes inbox;

    @BeforeEach
    void start() {
        Plugin decidesAfterTheHangUp = new Plugin() {
            @Override
            public void start(PluginContext context) {
                for (var hook : java.util.List.of(Hooks.AUTH_ON_PUBLISH, Hooks.AUTH_ON_PUBLISH_M5)) {
                    context.hooks().register(hook, pc -> {
                        if (pc.clientId().startsWith("hang-up")) {
                            hungUp.await(10, TimeUnit.SECONDS);
                        }
                        return Verdict.ok();
                    });
                }
                for (var hook : java.util.List.of(Hooks.ON_CLIENT_GONE, Hooks.ON_CLIENT_OFFLINE)) {
                    context.hooks().register(hook, cc -> {
                        if (cc.clientId().startsWith("hang-up")) {
                            hungUp.countDown();
                        }
                    });
                }
            }
        };
        broker = TestBroker.start(decidesAfterTheHangUp);
        subscriber = broker.v5("sub");
        inbox = subscriber.publishes(MqttGlobalPublishFilter.ALL);
        subscriber.subscribeWith().topicFilter("hang/#").qos(MqttQos.AT_LEAST_ONCE).send();
    }

    @AfterEach
    void stop() {
        inbox.close();
        broker.close();
    }

    private void publishAndHangUp(String clientId, int level, byte[] publish) throws Exception {
        try (RawMqtt raw = RawMqtt.open(broker.port())) {
            assertThat(raw.connect(clientId, level).type()).isEqualTo(2);
            raw.send(publish);
            raw.send(DISCONNECT);
        }
    }

    @Test
    void aQos0MessageIsRoutedAfterItsPublisherHungUp() throws Exception {
        publishAndHangUp("hang-up-0", 4, RawMqtt.publishPacket("hang/0".getBytes(StandardCharsets.UTF_8),
                "last words".getBytes(StandardCharsets.UTF_8), false));

        assertThat(text(inbox.receive(15, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes())).isEqualTo("last words");
    }

    @Test
    void aQos1MessageIsRoutedAfterItsPublisherHungUp() throws Exception {
        publishAndHangUp("hang-up-1", 5, RawMqtt.publishPacket("hang/1", 1, 7, new byte[0],
                "at least once".getBytes(StandardCharsets.UTF_8)));

        assertThat(text(inbox.receive(15, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes())).isEqualTo("at least once");
    }
}
