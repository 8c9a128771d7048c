package io.polyhook.it;

import com.hivemq.client.mqtt.datatypes.MqttQos;

import static io.polyhook.it.PublishSubscribeTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A QoS 2 message halfway through its flow (PUBREC sent, PUBCOMP not) when its session moves to
 * another node: the new node sends only the PUBREL again, with the same packet id, never the
 * message, and the first connection is taken over. Checked with raw MQTT 3.1.1 packets, so that
 * the test decides exactly which acknowledgement the client withholds.
 */
final class HalfwayQos2Move {

    private HalfwayQos2Move() {
    }

    /**
     * Connects {@code clientId} to node {@code from} with a persistent session, has a QoS 2
     * message published to it on node {@code publishOn}, acknowledges only its PUBREC, then
     * connects it to node {@code to} and checks what that node sends.
     */
    static void check(BrokerCluster cluster, String clientId, int from, int publishOn, int to) throws Exception {
        String topic = clientId + "/x";
        try (RawMqtt first = RawMqtt.open(cluster.port(from))) {
            assertThat(first.connectPersistent311(clientId).type()).isEqualTo(2);
            first.send(RawMqtt.subscribePacket311(clientId + "/#", 2));
            assertThat(first.read().type()).isEqualTo(9);
            if (publishOn != from) {
                cluster.awaitRoute(publishOn, topic, from);
            }
            cluster.v5(publishOn, clientId + "-pub").publishWith().topic(topic).qos(MqttQos.EXACTLY_ONCE)
                    .payload(bytes("once")).send();
            RawMqtt.Packet publish = first.read();
            assertThat(publish.type()).isEqualTo(3);
            int id = RawMqtt.publishPacketId(publish);
            first.send(RawMqtt.packet(0x50, new byte[] {(byte) (id >> 8), (byte) id}));   // PUBREC, and no PUBCOMP
            assertThat(first.read().type()).as("PUBREL").isEqualTo(6);

            try (RawMqtt second = RawMqtt.open(cluster.port(to))) {
                RawMqtt.Packet connAck = second.connectPersistent311(clientId);
                assertThat(connAck.type()).isEqualTo(2);
                assertThat(connAck.body()[0] & 1).as("session present").isEqualTo(1);
                RawMqtt.Packet rel = second.read();
                assertThat(rel.type()).as("only the PUBREL again, not the message").isEqualTo(6);
                assertThat(((rel.body()[0] & 0xFF) << 8) | (rel.body()[1] & 0xFF)).isEqualTo(id);
                second.send(RawMqtt.packet(0x70, new byte[] {(byte) (id >> 8), (byte) id}));   // PUBCOMP
                second.send(new byte[] {(byte) 0xC0, 0});                                       // PINGREQ
                assertThat(second.read().type()).as("PINGRESP next: nothing delivered twice").isEqualTo(13);
            }
            assertThat(first.readUntilClosed()).as("the first connection was taken over").isEmpty();
        }
    }
}
