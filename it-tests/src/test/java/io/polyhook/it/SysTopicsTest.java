package io.polyhook.it;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.Plugin;
import io.polyhook.spi.PluginContext;
import io.polyhook.spi.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

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
