package io.polyhook.it;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.Plugin;
import io.polyhook.spi.PluginContext;
import io.polyhook.spi.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.polyhook.it.PublishSubscribeTest.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** $SYS/&lt;node&gt;/... statistics. */
@ExtendWith(NettyLeakGuard.class)
class SysTopicsTest {

    private static TestBroker sysBroker(Plugin... plugins) {
        return TestBroker.configured(TestBroker.broker(b -> b.withSys(Duration.ofSeconds(1), "node1")), plugins);
    }

    @Test
    void statisticsArePublishedRetainedUnderTheNodeName() throws Exception {
        try (TestBroker broker = sysBroker()) {
            Mqtt5BlockingClient c = broker.v5("sys-reader");
            Map<String, String> seen = new HashMap<>();
            try (var in = c.publishes(MqttGlobalPublishFilter.ALL)) {
                c.subscribeWith().topicFilter("$SYS/node1/#").send();
                Await.until("every statistic", () -> {
                    try {
                        in.receive(1, TimeUnit.SECONDS).ifPresent(p -> seen.put(p.getTopic().toString(),
                                text(p.getPayloadAsBytes())));
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                    // The first values are those of the start (retained); traffic shows in a later round.
                    return seen.size() >= 11 && Long.parseLong(seen.get("$SYS/node1/bytes/received")) > 0;
                });
            }
            assertThat(seen).containsKeys("$SYS/node1/clients/connected", "$SYS/node1/messages/received",
                    "$SYS/node1/messages/sent", "$SYS/node1/bytes/received", "$SYS/node1/bytes/sent",
                    "$SYS/node1/subscriptions/count", "$SYS/node1/retained/count", "$SYS/node1/messages/dropped",
                    "$SYS/node1/uptime");
        }
    }

    /**
     * $SYS belongs to the broker: a client's retained PUBLISH there is refused (MQTT 5: PUBACK
     * 0x87) before any hook, stored nowhere and never served to $SYS readers.
     */
    @Test
    void clientsMayNotPublishToSys() throws Exception {
        try (TestBroker broker = TestBroker.start()) {
            Mqtt5BlockingClient forger = broker.v5("forger");
            assertThatThrownBy(() -> forger.publishWith().topic("$SYS/polyhook/clients/connected").retain(true)
                    .qos(MqttQos.AT_LEAST_ONCE).payload("999999".getBytes(StandardCharsets.UTF_8)).send())
                    .isInstanceOfSatisfying(Mqtt5PubAckException.class, e -> assertThat(e.getMqttMessage().getReasonCode())
                            .isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED));
            Mqtt3BlockingClient forger3 = broker.v3("forger3");
            forger3.publishWith().topic("$SYS").retain(true).qos(MqttQos.AT_LEAST_ONCE)
                    .payload("x".getBytes(StandardCharsets.UTF_8)).send();
            // Nothing was kept: a $SYS reader that subscribes now gets no retained message.
            assertThat(broker.broker.retainedCount("")).isZero();
            Mqtt5BlockingClient reader = broker.v5("reader");
            try (var in = reader.publishes(MqttGlobalPublishFilter.ALL)) {
                reader.subscribeWith().topicFilter("$SYS/#").send();
                forger.publishWith().topic("$SYS/live").payload("x".getBytes(StandardCharsets.UTF_8)).send();
                assertThat(in.receive(500, TimeUnit.MILLISECONDS)).isEmpty();
            }
        }
    }

    @Test
    void aWillToSysIsRefused() {
        try (TestBroker broker = TestBroker.start()) {
            Mqtt5BlockingClient c = broker.v5Unconnected("will-forger");
            assertThatThrownBy(() -> c.connectWith().willPublish().topic("$SYS/polyhook/uptime")
                    .payload("0".getBytes(StandardCharsets.UTF_8)).applyWillPublish().send())
                    .isInstanceOfSatisfying(Mqtt5ConnAckException.class, e -> assertThat(e.getMqttMessage().getReasonCode())
                            .isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED));
        }
    }

    /** Denies every subscription to a $SYS filter. */
    static final class DenySys implements Plugin {
        @Override
        public void start(PluginContext context) {
            context.hooks().register(Hooks.AUTH_ON_SUBSCRIBE_M5, sc -> sc.topics().stream()
                    .anyMatch(t -> t.filter().startsWith("$SYS")) ? Verdict.deny() : Verdict.next());
        }
    }

    @Test
    void subscribingToSysGoesThroughAuthorization() {
        try (TestBroker broker = sysBroker(new DenySys())) {
            Mqtt5BlockingClient c = broker.v5("curious");
            assertThatThrownBy(() -> c.subscribeWith().topicFilter("$SYS/#").send())
                    .isInstanceOfSatisfying(Mqtt5SubAckException.class, e -> assertThat(e.getMqttMessage().getReasonCodes())
                            .containsExactly(Mqtt5SubAckReasonCode.NOT_AUTHORIZED));
        }
    }
}
