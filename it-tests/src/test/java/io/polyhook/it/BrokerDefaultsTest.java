package io.polyhook.it;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAck;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import io.polyhook.broker.config.BrokerConfig;
import io.polyhook.broker.config.NoMatch;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.Plugin;
import io.polyhook.spi.Verdict;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.polyhook.it.PublishSubscribeTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the broker does when no handler decides: its configured defaults. */
class BrokerDefaultsTest {

    /** A publish and subscribe handler that never has an opinion. */
    private static final Plugin NO_OPINION = ctx -> {
        ctx.hooks().register(Hooks.AUTH_ON_PUBLISH_M5, pc -> Verdict.next());
        ctx.hooks().register(Hooks.AUTH_ON_SUBSCRIBE_M5, sc -> Verdict.next());
    };

    @Test
    void aConfigFileRefusesAnonymousClientsUnlessItAllowsThem() {
        try (TestBroker broker = TestBroker.configured(c -> BrokerConfig.parse("""
                listeners: [{ type: tcp, address: "127.0.0.1:0" }]
                scripts: { dir: "target/no-scripts" }
                """))) {
            Mqtt5BlockingClient c = broker.v5Unconnected("c");
            assertThatThrownBy(c::connect).isInstanceOfSatisfying(Mqtt5ConnAckException.class, e ->
                    assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED));
        }
    }

    @Test
    void aConfigFileThatAllowsAnonymousClientsAdmitsThem() {
        try (TestBroker broker = TestBroker.configured(c -> BrokerConfig.parse("""
                broker: { allow_anonymous: true }
                listeners: [{ type: tcp, address: "127.0.0.1:0" }]
                scripts: { dir: "target/no-scripts" }
                """))) {
            assertThat(broker.v5("c").getState().isConnected()).isTrue();
        }
    }

    @Test
    void withoutAnyHandlerForTheHookPublishAndSubscribeAreAllowedByDefault() {
        try (TestBroker broker = TestBroker.configured(TestBroker.broker(b -> b.withNoMatch(NoMatch.DENY_WHEN_HANDLED)))) {
            Mqtt5BlockingClient c = broker.v5("c");
            assertThat(subscribeCodes(c, "t")).containsExactly(Mqtt5SubAckReasonCode.GRANTED_QOS_1);
            assertThat(publishCode(c, "t")).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
        }
    }

    @Test
    void onceAHandlerIsLoadedAnExhaustedPublishIsDeniedByDefault() {
        try (TestBroker broker = TestBroker.configured(TestBroker.broker(b -> b.withNoMatch(NoMatch.DENY_WHEN_HANDLED)),
                NO_OPINION)) {
            assertThat(publishCode(broker.v5("c"), "t")).isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED);
        }
    }

    @Test
    void onceAHandlerIsLoadedAnExhaustedSubscribeIsDeniedByDefault() {
        try (TestBroker broker = TestBroker.configured(TestBroker.broker(b -> b.withNoMatch(NoMatch.DENY_WHEN_HANDLED)),
                NO_OPINION)) {
            assertThat(subscribeCodes(broker.v5("c"), "t")).containsExactly(Mqtt5SubAckReasonCode.NOT_AUTHORIZED);
            assertThat(broker.broker.subscriptionCount("")).isZero();
        }
    }

    @Test
    void noMatchAllowStillAllowsAnExhaustedChain() {
        try (TestBroker broker = TestBroker.configured(TestBroker.broker(b -> b.withNoMatch(NoMatch.ALLOW)), NO_OPINION)) {
            Mqtt5BlockingClient c = broker.v5("c");
            assertThat(subscribeCodes(c, "t")).containsExactly(Mqtt5SubAckReasonCode.GRANTED_QOS_1);
            assertThat(publishCode(c, "t")).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
        }
    }

    @Test
    void aWillIsRefusedWhenItsExhaustedChainIsDeniedByDefault() {
        try (TestBroker broker = TestBroker.configured(TestBroker.broker(b -> b.withNoMatch(NoMatch.DENY_WHEN_HANDLED)),
                NO_OPINION)) {
            Mqtt5BlockingClient c = broker.v5Unconnected("c");
            assertThatThrownBy(() -> c.connectWith().willPublish().topic("last/words").payload(bytes("bye"))
                    .applyWillPublish().send()).isInstanceOfSatisfying(Mqtt5ConnAckException.class, e ->
                    assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED));
        }
    }

    private static Mqtt5PubAckReasonCode publishCode(Mqtt5BlockingClient c, String topic) {
        try {
            Mqtt5PublishResult r = c.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(bytes("x")).send();
            return ((Mqtt5PublishResult.Mqtt5Qos1Result) r).getPubAck().getReasonCode();
        } catch (Mqtt5PubAckException e) {
            return e.getMqttMessage().getReasonCode();
        }
    }

    private static List<Mqtt5SubAckReasonCode> subscribeCodes(Mqtt5BlockingClient c, String filter) {
        try {
            return c.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send().getReasonCodes();
        } catch (Mqtt5SubAckException e) {
            return e.getMqttMessage().getReasonCodes();
        }
    }

    @Test
    void withoutAnonymousAccessAndWithoutHandlerMqtt5ConnectIsNotAuthorized() {
        try (TestBroker broker = TestBroker.configured(TestBroker.broker(b -> b.withAllowAnonymous(false)))) {
            Mqtt5BlockingClient c = broker.v5Unconnected("c");
            assertThatThrownBy(c::connect).isInstanceOfSatisfying(Mqtt5ConnAckException.class, e ->
                    assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED));
        }
    }

    @Test
    void withoutAnonymousAccessAndWithoutHandlerMqtt311ConnectIsNotAuthorized() {
        try (TestBroker broker = TestBroker.configured(TestBroker.broker(b -> b.withAllowAnonymous(false)))) {
            Mqtt3BlockingClient c = broker.v3Unconnected("c");
            assertThatThrownBy(c::connect).isInstanceOfSatisfying(Mqtt3ConnAckException.class, e ->
                    assertThat(e.getMqttMessage().getReturnCode()).isEqualTo(Mqtt3ConnAckReturnCode.NOT_AUTHORIZED));
        }
    }

    @Test
    void listenerCanAllowAnonymousClientsWhenTheBrokerDoesNot() {
        try (TestBroker broker = TestBroker.configured(c -> c.withBroker(c.broker().withAllowAnonymous(false))
                .withListeners(List.of(c.listeners().get(0).withAllowAnonymous(true))))) {
            assertThat(broker.v5("c").getState().isConnected()).isTrue();
        }
    }

    @Test
    void noMatchDenyRefusesPublishWithNotAuthorized() {
        try (TestBroker broker = TestBroker.configured(TestBroker.broker(b -> b.withNoMatch(NoMatch.DENY)))) {
            Mqtt5BlockingClient c = broker.v5("c");
            Mqtt5PubAckReasonCode code;
            try {
                Mqtt5PublishResult r = c.publishWith().topic("t").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("x")).send();
                code = ((Mqtt5PublishResult.Mqtt5Qos1Result) r).getPubAck().getReasonCode();
            } catch (Mqtt5PubAckException e) {
                code = e.getMqttMessage().getReasonCode();
            }
            assertThat(code).isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED);
        }
    }

    @Test
    void noMatchDenyRefusesSubscribe() {
        try (TestBroker broker = TestBroker.configured(TestBroker.broker(b -> b.withNoMatch(NoMatch.DENY)))) {
            Mqtt5BlockingClient c = broker.v5("c");
            List<Mqtt5SubAckReasonCode> codes;
            try {
                Mqtt5SubAck ack = c.subscribeWith().topicFilter("t").qos(MqttQos.AT_LEAST_ONCE).send();
                codes = ack.getReasonCodes();
            } catch (Mqtt5SubAckException e) {
                codes = e.getMqttMessage().getReasonCodes();
            }
            assertThat(codes).containsExactly(Mqtt5SubAckReasonCode.NOT_AUTHORIZED);
        }
    }

    @Test
    void handlerThatMissesHookTimeoutCountsAsDeny() {
        io.polyhook.spi.Plugin slow = ctx -> ctx.hooks().register(io.polyhook.spi.Hooks.AUTH_ON_PUBLISH_M5, pc -> {
            Thread.sleep(30_000);
            return io.polyhook.spi.Verdict.ok();
        });
        try (TestBroker broker = TestBroker.configured(c -> c.withScripts(new io.polyhook.broker.config.ScriptsConfig(
                c.scripts().dir(), List.of(), 2, java.time.Duration.ofMillis(300))), slow)) {
            Mqtt5BlockingClient c = broker.v5("c");
            Mqtt5PubAckReasonCode code;
            try {
                Mqtt5PublishResult r = c.publishWith().topic("t").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("x")).send();
                code = ((Mqtt5PublishResult.Mqtt5Qos1Result) r).getPubAck().getReasonCode();
            } catch (Mqtt5PubAckException e) {
                code = e.getMqttMessage().getReasonCode();
            }
            assertThat(code).isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED);
        }
    }

    @Test
    void mqtt311NoMatchDenyDropsThePublishButAcknowledgesIt() {
        try (TestBroker broker = TestBroker.configured(TestBroker.broker(b -> b.withNoMatch(NoMatch.DENY)))) {
            Mqtt3BlockingClient c = broker.v3("c");
            c.publishWith().topic("t").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("x")).send();
            assertThat(c.getState().isConnected()).isTrue();
            assertThat(broker.broker.retainedCount("")).isZero();
        }
    }
}
