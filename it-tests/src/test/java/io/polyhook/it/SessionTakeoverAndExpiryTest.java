package io.polyhook.it;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.extension.ExtendWith;

import static io.polyhook.it.PublishSubscribeTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;

/** MQTT 3.1.1 persistent sessions: takeover of unacknowledged messages and the configured expiry. */
@ExtendWith(NettyLeakGuard.class)
class SessionTakeoverAndExpiryTest {

    private static final int PUBLISH = 3;

    @Test
    void takeoverResendsUnacknowledgedMessagesWithTheirPacketIdsAndDup() throws Exception {
        try (TestBroker broker = TestBroker.start()) {
            try (RawMqtt first = RawMqtt.open(broker.port())) {
                assertThat(first.connectPersistent311("taker").type()).isEqualTo(2);
                first.send(RawMqtt.subscribePacket311("job", 1));
                assertThat(first.read().type()).isEqualTo(9);
                broker.v5("producer").publishWith().topic("job").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("work")).send();
                RawMqtt.Packet sent = first.read();
                assertThat(sent.type()).isEqualTo(PUBLISH);
                int id = RawMqtt.publishPacketId(sent);
                // No PUBACK: the same client id connects again on another socket and takes over.
                try (RawMqtt second = RawMqtt.open(broker.port())) {
                    RawMqtt.Packet connAck = second.connectPersistent311("taker");
                    assertThat(connAck.type()).isEqualTo(2);
                    assertThat(connAck.body()[0] & 1).as("session present").isEqualTo(1);
                    RawMqtt.Packet resent = second.read();
                    assertThat(resent.type()).isEqualTo(PUBLISH);
                    assertThat(resent.header() & 0x08).as("DUP").isEqualTo(0x08);
                    assertThat(RawMqtt.publishPacketId(resent)).isEqualTo(id);
                }
                assertThat(first.readUntilClosed()).isEmpty();
            }
        }
    }

    @Test
    void messagesRoutedDuringATakeoverNeitherTakeNorOvertakeThePacketIdsOfTheOldConnection() throws Exception {
        try (TestBroker broker = TestBroker.start()) {
            try (RawMqtt first = RawMqtt.open(broker.port())) {
                assertThat(first.connectPersistent311("busy").type()).isEqualTo(2);
                first.send(RawMqtt.subscribePacket311("job", 2));
                assertThat(first.read().type()).isEqualTo(9);
                var producer = broker.v5("producer");
                producer.publishWith().topic("job").qos(MqttQos.EXACTLY_ONCE).payload(bytes("old")).send();
                RawMqtt.Packet sent = first.read();
                int oldId = RawMqtt.publishPacketId(sent);
                // No PUBREC for it; while the same client id takes the session over, messages keep coming.
                AtomicBoolean publishing = new AtomicBoolean(true);
                Thread load = Thread.ofPlatform().start(() -> {
                    for (int i = 0; publishing.get() && i < 20_000; i++) {
                        producer.publishWith().topic("job").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("new" + i)).send();
                    }
                });
                try (RawMqtt second = RawMqtt.open(broker.port())) {
                    assertThat(second.connectPersistent311("busy").type()).isEqualTo(2);
                    List<String> order = new ArrayList<>();
                    // Packet ids the client holds unacknowledged: "old" (QoS 2, never PUBREC'd) and each QoS 1
                    // PUBLISH until the PUBACK below; the broker must not give one of them to another message.
                    Set<Integer> unacknowledged = new HashSet<>();
                    int fresh = 0;
                    while (fresh < 50) {
                        RawMqtt.Packet p = second.read();
                        assertThat(p).as("a packet after " + order).isNotNull();
                        if (p.type() != PUBLISH) {
                            continue;
                        }
                        int id = RawMqtt.publishPacketId(p);
                        boolean dup = (p.header() & 0x08) != 0;
                        order.add((dup ? "dup#" : "new#") + id);
                        if (dup) {
                            assertThat(fresh).as("a resent message after a new one: " + order).isZero();
                        } else {
                            assertThat(unacknowledged).as("new message took a packet id still in flight: " + order)
                                    .doesNotContain(id);
                            fresh++;
                        }
                        unacknowledged.add(id);
                        if ((p.header() & 0x06) == 0x02) {
                            second.send(RawMqtt.packet(0x40, new byte[] {(byte) (id >> 8), (byte) id}));
                            unacknowledged.remove(id);
                        }
                    }
                    assertThat(order.get(0)).as("the first packet after CONNACK").isEqualTo("dup#" + oldId);
                } finally {
                    publishing.set(false);
                    load.join(30_000);
                }
            }
        }
    }

    @Test
    void mqtt311PersistentSessionExpiresAfterTheConfiguredTime() throws Exception {
        try (TestBroker broker = TestBroker.configured(TestBroker.broker(b -> b.withPersistentSessionExpiry(1)))) {
            try (RawMqtt c = RawMqtt.open(broker.port())) {
                assertThat(c.connectPersistent311("short-lived").type()).isEqualTo(2);
                c.send(RawMqtt.subscribePacket311("x", 1));
                assertThat(c.read().type()).isEqualTo(9);
            }
            // The registry forgets the session, then its subscriptions: readers without its lock may see between.
            Await.until("the session expired with its subscriptions",
                    () -> broker.broker.sessionCount() == 0 && broker.broker.subscriptionCount("") == 0);
            assertThat(broker.broker.sessionCount()).isZero();
            assertThat(broker.broker.subscriptionCount("")).isZero();
        }
    }
}
