package io.polyhook.it;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.polyhook.it.PublishSubscribeTest.bytes;
import static io.polyhook.it.PublishSubscribeTest.text;
import static org.assertj.core.api.Assertions.assertThat;

/** MQTT 5 inbound topic aliases (§3.3.2.3.4) and the Receive Maximum the broker announces (§3.2.2.3.3). */
@ExtendWith(NettyLeakGuard.class)
class InboundLimitsTest {

    private static final int DISCONNECT = 14;
    private static final byte[] ALIAS_1 = {0x23, 0x00, 0x01};

    private TestBroker broker;

    @BeforeEach
    void start() {
        broker = TestBroker.configured(TestBroker.broker(b -> b.withInboundLimits(2, 4)));
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    @Test
    void connAckAnnouncesReceiveMaximumAndTopicAliasMaximum() {
        Mqtt5ConnAck ack = broker.v5Unconnected("probe").connect();
        assertThat(ack.getRestrictions().getReceiveMaximum()).isEqualTo(2);
        assertThat(ack.getRestrictions().getTopicAliasMaximum()).isEqualTo(4);
    }

    @Test
    void aTopicAliasSetOnceStandsForTheTopicAfterwards() throws Exception {
        Mqtt5BlockingClient sub = broker.v5("alias-reader");
        try (var in = sub.publishes(MqttGlobalPublishFilter.ALL); RawMqtt raw = RawMqtt.open(broker.port())) {
            sub.subscribeWith().topicFilter("aliased/t").send();
            assertThat(raw.connect("alias-writer", 5).type()).isEqualTo(2);
            raw.send(RawMqtt.publishPacket("aliased/t", 0, 0, ALIAS_1, bytes("first")));
            raw.send(RawMqtt.publishPacket("", 0, 0, ALIAS_1, bytes("second")));
            for (String expected : List.of("first", "second")) {
                var p = in.receive(15, TimeUnit.SECONDS).orElseThrow();
                assertThat(p.getTopic().toString()).isEqualTo("aliased/t");
                assertThat(text(p.getPayloadAsBytes())).isEqualTo(expected);
            }
        }
    }

    @Test
    void aTopicAliasAboveTheMaximumIsDisconnectedWith0x94() throws Exception {
        try (RawMqtt raw = RawMqtt.open(broker.port())) {
            assertThat(raw.connect("alias-big", 5).type()).isEqualTo(2);
            raw.send(RawMqtt.publishPacket("t", 0, 0, new byte[] {0x23, 0x00, 0x05}, bytes("x")));
            assertThat(raw.readUntilClosed()).singleElement()
                    .satisfies(p -> assertThat(p.type() == DISCONNECT && p.reasonCode() == 0x94).isTrue());
        }
    }

    @Test
    void anUnknownTopicAliasIsAProtocolError() throws Exception {
        try (RawMqtt raw = RawMqtt.open(broker.port())) {
            assertThat(raw.connect("alias-unknown", 5).type()).isEqualTo(2);
            raw.send(RawMqtt.publishPacket("", 0, 0, ALIAS_1, bytes("x")));
            assertThat(raw.readUntilClosed()).singleElement()
                    .satisfies(p -> assertThat(p.type() == DISCONNECT && p.reasonCode() == 0x82).isTrue());
        }
    }

    @Test
    void moreUnacknowledgedQos2PublishesThanTheReceiveMaximumAreDisconnectedWith0x93() throws Exception {
        try (RawMqtt raw = RawMqtt.open(broker.port())) {
            assertThat(raw.connect("greedy", 5).type()).isEqualTo(2);
            // QoS 2 without ever sending PUBREL: each stays unacknowledged until PUBCOMP.
            for (int id = 1; id <= 3; id++) {
                raw.send(RawMqtt.publishPacket("q2", 2, id, new byte[0], bytes("m" + id)));
            }
            List<RawMqtt.Packet> seen = raw.readUntilClosed();
            assertThat(seen).filteredOn(p -> p.type() == DISCONNECT).singleElement()
                    .satisfies(p -> assertThat(p.reasonCode()).isEqualTo(0x93));
        }
    }

    @Test
    void publishesWithinTheReceiveMaximumFlow() throws Exception {
        Mqtt5BlockingClient c = broker.v5("steady");
        for (int i = 0; i < 10; i++) {
            c.publishWith().topic("steady").qos(MqttQos.EXACTLY_ONCE).payload(bytes("m" + i)).send();
        }
        assertThat(c.getState().isConnected()).isTrue();
    }
}
