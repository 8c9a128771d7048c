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
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.polyhook.it.PublishSubscribeTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the broker does when no handler decides: its configured defaults. */
class BrokerDefaultsTest {

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
        try (TestBroker broker = TestBroker.configured(TestBroker.broker(b -> b.withNoMatchAllow(false)))) {
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
        try (TestBroker broker = TestBroker.configured(TestBroker.broker(b -> b.withNoMatchAllow(false)))) {
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
        try (TestBroker broker = TestBroker.configured(TestBroker.broker(b -> b.withNoMatchAllow(false)))) {
            Mqtt3BlockingClient c = broker.v3("c");
            c.publishWith().topic("t").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("x")).send();
            assertThat(c.getState().isConnected()).isTrue();
            assertThat(broker.broker.retainedCount("")).isZero();
        }
    }
}
