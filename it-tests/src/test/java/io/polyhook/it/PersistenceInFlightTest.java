package io.polyhook.it;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.polyhook.broker.config.SyncMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static io.polyhook.it.PersistenceFixtures.fromConfigFile;
import static io.polyhook.it.PersistenceFixtures.storeIn;
import static io.polyhook.it.PersistenceFixtures.storeWrites;
import static io.polyhook.it.PublishSubscribeTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The QoS 1/2 exchanges a restart interrupts, seen packet by packet with a raw MQTT 3.1.1 client:
 * inbound QoS 2 packet ids and outbound in-flight messages (sent, or PUBREL stage) are in the
 * store, so after the restart nothing is lost and nothing is delivered twice.
 */
@ExtendWith(NettyLeakGuard.class)
class PersistenceInFlightTest {

    private static final int PUBLISH = 3;
    private static final int PUBREC = 5;
    private static final int PUBREL = 6;
    private static final int PUBCOMP = 7;

    @TempDir
    Path dir;

    private TestBroker start() {
        return TestBroker.configured(storeIn(dir, SyncMode.BATCH));
    }

    /** An MQTT 3.1.1 PUBLISH at QoS {@code qos} with packet id {@code id}. */
    private static byte[] publish311(String topic, int qos, int id, boolean dup, String payload) {
        byte[] t = topic.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(t.length >> 8);
        b.write(t.length & 0xFF);
        b.writeBytes(t);
        b.write(id >> 8);
        b.write(id & 0xFF);
        b.writeBytes(payload.getBytes(StandardCharsets.UTF_8));
        return RawMqtt.packet(0x30 | (qos << 1) | (dup ? 0x08 : 0), b.toByteArray());
    }

    private static byte[] reply(int header, int id) {
        return RawMqtt.packet(header, new byte[] {(byte) (id >> 8), (byte) id});
    }

    private static int idOf(RawMqtt.Packet p) {
        return ((p.body()[0] & 0xFF) << 8) | (p.body()[1] & 0xFF);
    }

    private static void assertSilent(RawMqtt raw) throws IOException {
        raw.socket.setSoTimeout(500);
        assertThatThrownBy(raw::read).isInstanceOf(SocketTimeoutException.class);
    }

    @Test
    void aQos2PublishResentAfterARestartIsAcknowledgedButNotRoutedAgain() throws Exception {
        try (TestBroker broker = start()) {
            Mqtt5BlockingClient s = broker.v5Unconnected("s");
            s.connectWith().cleanStart(true).sessionExpiryInterval(3600).send();
            s.subscribeWith().topicFilter("x/#").qos(MqttQos.EXACTLY_ONCE).send();
            s.disconnect();
            try (RawMqtt p = RawMqtt.open(broker.port())) {
                assertThat(p.connectPersistent311("p").type()).isEqualTo(2);
                p.send(publish311("x/1", 2, 7, false, "once"));
                RawMqtt.Packet rec = p.read();
                assertThat(rec.type()).isEqualTo(PUBREC);
                assertThat(idOf(rec)).isEqualTo(7);
            }
        }
        try (TestBroker broker = start()) {
            try (RawMqtt p = RawMqtt.open(broker.port())) {
                RawMqtt.Packet connAck = p.connectPersistent311("p");
                assertThat(connAck.body()[0]).as("session present").isEqualTo((byte) 1);
                // The client had no PUBREC before the restart as far as it knows: it resends the PUBLISH.
                p.send(publish311("x/1", 2, 7, true, "once"));
                RawMqtt.Packet rec = p.read();
                assertThat(rec.type()).isEqualTo(PUBREC);
                p.send(reply(0x62, 7));
                assertThat(p.read().type()).isEqualTo(PUBCOMP);
            }
            Mqtt5BlockingClient s = broker.v5Unconnected("s");
            try (Mqtt5BlockingClient.Mqtt5Publishes publishes = s.publishes(MqttGlobalPublishFilter.ALL)) {
                s.connectWith().cleanStart(false).sessionExpiryInterval(3600).send();
                assertThat(PersistenceRestartTest.receive(publishes, 1)).containsExactly("once");
                assertThat(publishes.receive(500, TimeUnit.MILLISECONDS)).as("not twice").isEmpty();
            }
        }
    }

    @Test
    void aQos2MessageWhosePubrecCameBeforeARestartGetsOnlyItsPubrelAfterIt() throws Exception {
        int id;
        try (TestBroker broker = start()) {
            try (RawMqtt r = RawMqtt.open(broker.port())) {
                r.connectPersistent311("r");
                r.send(RawMqtt.subscribePacket311("y", 2));
                assertThat(r.read().type()).isEqualTo(9);
                broker.v5("pub").publishWith().topic("y").qos(MqttQos.EXACTLY_ONCE).payload(bytes("m")).send();
                RawMqtt.Packet p = r.read();
                assertThat(p.type()).isEqualTo(PUBLISH);
                id = RawMqtt.publishPacketId(p);
                r.send(reply(0x50, id));
                RawMqtt.Packet rel = r.read();
                assertThat(rel.type()).isEqualTo(PUBREL);
            }
        }
        try (TestBroker broker = start()) {
            try (RawMqtt r = RawMqtt.open(broker.port())) {
                assertThat(r.connectPersistent311("r").body()[0]).isEqualTo((byte) 1);
                RawMqtt.Packet rel = r.read();
                assertThat(rel.type()).as("only the PUBREL, never the PUBLISH again").isEqualTo(PUBREL);
                assertThat(idOf(rel)).isEqualTo(id);
                r.send(reply(0x70, id));
                assertSilent(r);
            }
        }
    }

    @Test
    void aQos1MessageSentButNotAcknowledgedBeforeARestartIsResentWithItsPacketIdAndDup() throws Exception {
        int id;
        try (TestBroker broker = start()) {
            try (RawMqtt r = RawMqtt.open(broker.port())) {
                r.connectPersistent311("r1");
                r.send(RawMqtt.subscribePacket311("z", 1));
                assertThat(r.read().type()).isEqualTo(9);
                broker.v5("pub").publishWith().topic("z").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("m")).send();
                RawMqtt.Packet p = r.read();
                assertThat(p.type()).isEqualTo(PUBLISH);
                id = RawMqtt.publishPacketId(p);
            }
        }
        try (TestBroker broker = start()) {
            try (RawMqtt r = RawMqtt.open(broker.port())) {
                assertThat(r.connectPersistent311("r1").body()[0]).isEqualTo((byte) 1);
                RawMqtt.Packet p = r.read();
                assertThat(p.type()).isEqualTo(PUBLISH);
                assertThat(p.header() & 0x08).as("DUP").isEqualTo(0x08);
                assertThat(RawMqtt.publishPacketId(p)).isEqualTo(id);
                r.send(reply(0x40, id));
                assertSilent(r);
            }
        }
        try (TestBroker broker = start()) {
            try (RawMqtt r = RawMqtt.open(broker.port())) {
                assertThat(r.connectPersistent311("r1").body()[0]).isEqualTo((byte) 1);
                assertSilent(r);
            }
        }
    }

    @Test
    void aBurstOfAcknowledgementsIsOneStoreWriteMadeBeforeTheNextPacketLeaves() throws Exception {
        int n = 20;
        try (TestBroker broker = fromConfigFile(dir)) {
            try (RawMqtt r = RawMqtt.open(broker.port())) {
                r.connectPersistent311("burst");
                r.send(RawMqtt.subscribePacket311("b", 1));
                assertThat(r.read().type()).isEqualTo(9);
                Mqtt5BlockingClient pub = broker.v5("pub");
                for (int i = 0; i < n; i++) {
                    pub.publishWith().topic("b").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("m" + i)).send();
                }
                ByteArrayOutputStream acks = new ByteArrayOutputStream();
                for (int i = 0; i < n; i++) {
                    RawMqtt.Packet p = r.read();
                    assertThat(p.type()).isEqualTo(PUBLISH);
                    acks.writeBytes(reply(0x40, RawMqtt.publishPacketId(p)));
                }
                long before = storeWrites(broker);
                // The PUBACKs and a PINGREQ in one write: the PINGRESP leaves after the acknowledgements are written.
                acks.writeBytes(new byte[] {(byte) 0xC0, 0});
                r.send(acks.toByteArray());
                assertThat(r.read().type()).as("PINGRESP").isEqualTo(13);
                assertThat(storeWrites(broker) - before).as("store writes for %d PUBACKs read at once", n)
                        .isBetween(1L, 3L);
            }
        }
        try (TestBroker broker = start()) {
            try (RawMqtt r = RawMqtt.open(broker.port())) {
                assertThat(r.connectPersistent311("burst").body()[0]).as("session present").isEqualTo((byte) 1);
                assertSilent(r);
            }
        }
    }

    @Test
    void publishesReadInOneBurstShareOneStoreWriteAndEachIsAcknowledgedAfterIt() throws Exception {
        int n = 20;
        try (TestBroker broker = fromConfigFile(dir)) {
            try (RawMqtt r = RawMqtt.open(broker.port())) {
                r.connectPersistent311("queue");
                r.send(RawMqtt.subscribePacket311("q", 1));
                assertThat(r.read().type()).isEqualTo(9);
            }
            try (RawMqtt p = RawMqtt.open(broker.port())) {
                p.connectPersistent311("burst-pub");
                long before = storeWrites(broker);
                ByteArrayOutputStream burst = new ByteArrayOutputStream();
                for (int i = 1; i <= n; i++) {
                    burst.writeBytes(publish311("q", 1, i, false, "m" + i));
                }
                p.send(burst.toByteArray());
                for (int i = 1; i <= n; i++) {
                    RawMqtt.Packet ack = p.read();
                    assertThat(ack.type()).as("PUBACK").isEqualTo(4);
                    assertThat(idOf(ack)).as("in PUBLISH order").isEqualTo(i);
                }
                assertThat(storeWrites(broker) - before).as("store writes for %d PUBLISHes read at once", n)
                        .isBetween(1L, 3L);
            }
        }
        try (TestBroker broker = start()) {
            Mqtt5BlockingClient s = broker.v5Unconnected("queue");
            try (Mqtt5BlockingClient.Mqtt5Publishes publishes = s.publishes(MqttGlobalPublishFilter.ALL)) {
                s.connectWith().cleanStart(false).sessionExpiryInterval(3600).send();
                String[] expected = new String[n];
                for (int i = 1; i <= n; i++) {
                    expected[i - 1] = "m" + i;
                }
                assertThat(PersistenceRestartTest.receive(publishes, n)).as("every acknowledged message, in order")
                        .containsExactly(expected);
            }
        }
    }
}
