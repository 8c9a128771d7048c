package io.polyhook.it;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3SubAckException;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.suback.Mqtt3SubAck;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.suback.Mqtt3SubAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscribe;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAck;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import io.polyhook.broker.config.ResourceLimits;
import io.polyhook.spi.AuthModifiers;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.Plugin;
import io.polyhook.spi.PluginContext;
import io.polyhook.spi.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static io.polyhook.it.PublishSubscribeTest.bytes;
import static io.polyhook.it.PublishSubscribeTest.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What one client may make the broker hold, with real clients over real sockets: subscriptions,
 * retained messages, a packet it never finishes, and an enhanced authentication it never ends.
 */
@ExtendWith(NettyLeakGuard.class)
class ClientCostLimitsTest {

    private static final int AUTH = 0xF;
    private static final int PINGRESP = 0xD;

    private static TestBroker broker(UnaryOperator<ResourceLimits> limits, Plugin... plugins) {
        return TestBroker.configured(TestBroker.broker(b -> b.withAllowAnonymous(true)
                .withLimits(limits.apply(b.limits()))), plugins);
    }

    @Test
    void pastMaxSubscriptionsPerClientAFilterIsRefusedWithQuotaExceededAndGetsNothing() throws Exception {
        try (TestBroker broker = broker(l -> l.withMaxSubscriptionsPerClient(2))) {
            Mqtt5BlockingClient c = broker.v5("subscriber");
            Mqtt5Subscribe three = Mqtt5Subscribe.builder().addSubscription().topicFilter("one").qos(MqttQos.AT_LEAST_ONCE)
                    .applySubscription().addSubscription().topicFilter("two").qos(MqttQos.AT_LEAST_ONCE).applySubscription()
                    .addSubscription().topicFilter("three").qos(MqttQos.AT_LEAST_ONCE).applySubscription().build();
            Mqtt5SubAck ack;
            try {
                ack = c.subscribe(three);
            } catch (Mqtt5SubAckException e) {
                ack = e.getMqttMessage();
            }
            assertThat(ack.getReasonCodes()).containsExactly(Mqtt5SubAckReasonCode.GRANTED_QOS_1,
                    Mqtt5SubAckReasonCode.GRANTED_QOS_1, Mqtt5SubAckReasonCode.QUOTA_EXCEEDED);
            // Subscribing again to a filter it has replaces it, within the limit.
            assertThat(c.subscribeWith().topicFilter("one").qos(MqttQos.AT_MOST_ONCE).send().getReasonCodes())
                    .containsExactly(Mqtt5SubAckReasonCode.GRANTED_QOS_0);
            try (var in = c.publishes(MqttGlobalPublishFilter.ALL)) {
                Mqtt5BlockingClient publisher = broker.v5("publisher");
                publisher.publishWith().topic("three").payload(bytes("refused")).send();
                publisher.publishWith().topic("two").payload(bytes("granted")).send();
                assertThat(text(in.receive(15, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes())).isEqualTo("granted");
            }
            assertThat(broker.broker.subscriptionCount("")).isEqualTo(2);
        }
    }

    @Test
    void pastMaxSubscriptionsPerClientAnMqtt3FilterGetsTheFailureReturnCode() {
        try (TestBroker broker = broker(l -> l.withMaxSubscriptionsPerClient(1))) {
            Mqtt3BlockingClient c = broker.v3("subscriber3");
            c.subscribeWith().topicFilter("one").qos(MqttQos.AT_MOST_ONCE).send();
            Mqtt3SubAck ack;
            try {
                ack = c.subscribeWith().addSubscription().topicFilter("one").qos(MqttQos.AT_MOST_ONCE).applySubscription()
                        .addSubscription().topicFilter("two").qos(MqttQos.AT_MOST_ONCE).applySubscription().send();
            } catch (Mqtt3SubAckException e) {
                ack = e.getMqttMessage();
            }
            assertThat(ack.getReturnCodes()).containsExactly(Mqtt3SubAckReturnCode.SUCCESS_MAXIMUM_QOS_0,
                    Mqtt3SubAckReturnCode.FAILURE);
        }
    }

    @Test
    void pastMaxRetainedMessagesARetainedMessageForANewTopicIsRoutedButNotKept() throws Exception {
        try (TestBroker broker = broker(l -> l.withRetained(2, l.maxRetainedBytes()))) {
            Mqtt5BlockingClient publisher = broker.v5("publisher");
            Mqtt5BlockingClient live = broker.v5("live");
            try (var liveIn = live.publishes(MqttGlobalPublishFilter.ALL)) {
                live.subscribeWith().topicFilter("r/#").send();
                for (String t : List.of("r/1", "r/2", "r/3")) {
                    publisher.publishWith().topic(t).retain(true).qos(MqttQos.AT_LEAST_ONCE).payload(bytes(t)).send();
                    assertThat(text(liveIn.receive(15, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes())).isEqualTo(t);
                }
            }
            assertThat(broker.broker.retainedCount("")).isEqualTo(2);
            Mqtt5BlockingClient late = broker.v5("late");
            List<String> got = new ArrayList<>();
            try (var in = late.publishes(MqttGlobalPublishFilter.ALL)) {
                late.subscribeWith().topicFilter("r/#").send();
                publisher.publishWith().topic("r/marker").payload(bytes("marker")).send();
                String t;
                while (!(t = text(in.receive(15, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes())).equals("marker")) {
                    got.add(t);
                }
            }
            assertThat(got).containsExactlyInAnyOrder("r/1", "r/2");
        }
    }

    /** CONNECT 3.1.1 with keep-alive 0: nothing else ever times the connection out. */
    private static RawMqtt connectWithoutKeepAlive(TestBroker broker, String id) throws Exception {
        RawMqtt raw = RawMqtt.open(broker.port());
        byte[] connect = RawMqtt.connectPacket(id.getBytes(StandardCharsets.UTF_8), 4);
        connect[10] = 0;
        connect[11] = 0;
        raw.send(connect);
        assertThat(raw.read().type()).isEqualTo(2);
        return raw;
    }

    /** The fixed header of a QoS 0 PUBLISH announcing {@code remaining} bytes, then {@code sent} of them. */
    private static byte[] publishStart(int remaining, int sent) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0x30);
        int n = remaining;
        do {
            int digit = n % 128;
            n /= 128;
            b.write(n > 0 ? digit | 0x80 : digit);
        } while (n > 0);
        // A topic "t", then payload bytes.
        b.writeBytes(new byte[] {0, 1, 't'});
        b.writeBytes(new byte[sent - 3]);
        return b.toByteArray();
    }

    private static final byte[] PINGREQ = {(byte) 0xC0, 0};

    @Test
    void aClientThatNeverFinishesAPacketIsClosedAfterPartialPacketTimeout() throws Exception {
        try (TestBroker broker = broker(l -> l.withPartialPackets(Duration.ofSeconds(1), l.maxTotalPartialBytes()));
             RawMqtt raw = connectWithoutKeepAlive(broker, "stalls")) {
            raw.send(publishStart(261_000, 1000));
            raw.readUntilClosed();
        }
    }

    @Test
    void unfinishedPacketsOfAllClientsShareMaxTotalPartialBytes() throws Exception {
        try (TestBroker broker = broker(l -> l.withPartialPackets(Duration.ofMinutes(10), 400_000));
             RawMqtt first = connectWithoutKeepAlive(broker, "first");
             RawMqtt second = connectWithoutKeepAlive(broker, "second");
             RawMqtt third = connectWithoutKeepAlive(broker, "third")) {
            // A PINGREQ and the start of a 261 KB PUBLISH in one write: the PINGRESP says the broker has read both.
            first.send(concat(PINGREQ, publishStart(261_000, 1000)));
            assertThat(first.read().type()).isEqualTo(PINGRESP);
            second.send(concat(PINGREQ, publishStart(261_000, 1000)));
            second.readUntilClosed();
            // The first finishes its packet and is served on; its bytes are free again for the third.
            first.send(concat(new byte[261_000 - 1000], PINGREQ));
            assertThat(first.read().type()).isEqualTo(PINGRESP);
            third.send(concat(PINGREQ, publishStart(261_000, 1000)));
            assertThat(third.read().type()).isEqualTo(PINGRESP);
            third.send(concat(new byte[261_000 - 1000], PINGREQ));
            assertThat(third.read().type()).isEqualTo(PINGRESP);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** on_auth_m5 that never ends: every step asks for one more. */
    static final class EndlessChallenge implements Plugin {
        @Override
        public void start(PluginContext context) {
            context.hooks().register(Hooks.ON_AUTH_M5, ac -> Verdict.ok(AuthModifiers.continueWith(Bytes.utf8("more"))));
        }
    }

    private static byte[] utf8(int propertyId, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[3 + b.length];
        out[0] = (byte) propertyId;
        out[1] = (byte) (b.length >> 8);
        out[2] = (byte) b.length;
        System.arraycopy(b, 0, out, 3, b.length);
        return out;
    }

    @Test
    void anEnhancedAuthenticationThatNeverEndsIsClosedAfterConnectTimeout() throws Exception {
        try (TestBroker broker = TestBroker.configured(TestBroker.broker(b -> b.withAllowAnonymous(true)
                .withConnectTimeout(Duration.ofSeconds(1))), new EndlessChallenge());
             RawMqtt raw = RawMqtt.open(broker.port())) {
            byte[] method = utf8(0x15, "ENDLESS");
            ByteArrayOutputStream connect = new ByteArrayOutputStream();
            connect.writeBytes(new byte[] {0, 4, 'M', 'Q', 'T', 'T', 5, 0x02, 0, 0, (byte) method.length});
            connect.writeBytes(method);
            connect.writeBytes(new byte[] {0, 2, 'e', 'a'});
            raw.send(RawMqtt.packet(0x10, connect.toByteArray()));
            ByteArrayOutputStream auth = new ByteArrayOutputStream();
            auth.writeBytes(new byte[] {0x18, (byte) method.length});
            auth.writeBytes(method);
            byte[] answer = RawMqtt.packet(0xF0, auth.toByteArray());
            // The client answers every challenge at once, as long as the broker keeps the connection.
            long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            RawMqtt.Packet p;
            int rounds = 0;
            while ((p = readOrClosed(raw)) != null) {
                assertThat(p.type()).isEqualTo(AUTH);
                assertThat(System.nanoTime()).as("still authenticating after %d rounds", rounds).isLessThan(giveUp);
                rounds++;
                try {
                    raw.send(answer);
                } catch (java.net.SocketException e) {
                    break;
                }
            }
            assertThat(rounds).isPositive();
        }
    }

    private static RawMqtt.Packet readOrClosed(RawMqtt raw) throws Exception {
        try {
            return raw.read();
        } catch (java.net.SocketException e) {
            return null;
        }
    }
}
