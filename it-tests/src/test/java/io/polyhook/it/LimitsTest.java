package io.polyhook.it;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static io.polyhook.it.PublishSubscribeTest.text;
import static org.assertj.core.api.Assertions.assertThat;

/** broker.max_connections, max_connections_per_ip and the bounded queue of a slow consumer. */
@ExtendWith(NettyLeakGuard.class)
class LimitsTest {

    @Test
    void connectionsBeyondMaxConnectionsAreClosedAtOnce() throws Exception {
        try (TestBroker broker = TestBroker.configured(TestBroker.broker(b -> b.withMaxConnections(2, 0)))) {
            try (RawMqtt a = RawMqtt.open(broker.port()); RawMqtt b = RawMqtt.open(broker.port())) {
                assertThat(a.connect("a", 4).type()).isEqualTo(2);
                assertThat(b.connect("b", 4).type()).isEqualTo(2);
                try (RawMqtt c = RawMqtt.open(broker.port())) {
                    // Closed as soon as accepted: the broker reads nothing from it.
                    assertThat(c.readUntilClosed()).isEmpty();
                }
                assertThat(broker.broker.sessionCount()).isEqualTo(2);
            }
        }
    }

    @Test
    void aFreedConnectionSlotCanBeUsedAgain() throws Exception {
        try (TestBroker broker = TestBroker.configured(TestBroker.broker(b -> b.withMaxConnections(1, 0)))) {
            try (RawMqtt a = RawMqtt.open(broker.port())) {
                assertThat(a.connect("a", 4).type()).isEqualTo(2);
            }
            Await.until("the slot is free", () -> broker.broker.sessionCount() == 0);
            Mqtt5BlockingClient next = broker.v5Unconnected("next");
            Await.until("a new client gets in", () -> {
                try {
                    next.connect();
                    return true;
                } catch (RuntimeException e) {
                    return false;
                }
            });
        }
    }

    @Test
    void connectionsBeyondMaxConnectionsPerIpAreClosedButOtherAddressesGetIn() throws Exception {
        try (TestBroker broker = TestBroker.configured(TestBroker.broker(b -> b.withMaxConnections(0, 1)))) {
            try (RawMqtt first = RawMqtt.open("127.0.0.1", broker.port())) {
                assertThat(first.connect("first", 5).type()).isEqualTo(2);
                try (RawMqtt second = RawMqtt.open("127.0.0.1", broker.port())) {
                    assertThat(second.readUntilClosed()).isEmpty();
                }
                // Linux routes all of 127/8 to loopback: another source address is another client host.
                try (RawMqtt other = RawMqtt.open("127.0.0.2", broker.port())) {
                    assertThat(other.connect("other", 5).type()).isEqualTo(2);
                }
            }
        }
    }

    @Test
    void aSlowConsumerHasABoundedQueueAndTheDropsAreCounted() throws Exception {
        try (TestBroker broker = TestBroker.configured(TestBroker.broker(b -> b.withMaxOnlineMessages(10)
                .withSys(Duration.ofSeconds(1), "node1")))) {
            Mqtt5BlockingClient watcher = broker.v5("watcher");
            try (var sys = watcher.publishes(MqttGlobalPublishFilter.ALL);
                 RawMqtt slow = RawMqtt.open(broker.port())) {
                assertThat(slow.connect("slow", 4).type()).isEqualTo(2);
                // The slow consumer subscribes and then never reads: its socket buffers fill up.
                slow.socket.setReceiveBufferSize(4096);
                slow.send(RawMqtt.subscribePacket("flood", false));
                Mqtt5BlockingClient publisher = broker.v5("publisher");
                Await.until("the slow consumer's subscription is in", () -> broker.broker.subscriptionCount("") >= 1);
                byte[] chunk = new byte[16 * 1024];
                for (int i = 0; i < 2_000; i++) {
                    publisher.publishWith().topic("flood").qos(MqttQos.AT_MOST_ONCE).payload(chunk).send();
                }
                watcher.subscribeWith().topicFilter("$SYS/node1/messages/dropped").send();
                Await.until("drops are counted in $SYS", () -> {
                    try {
                        var m = sys.receive(1, TimeUnit.SECONDS);
                        return m.isPresent() && Long.parseLong(text(m.get().getPayloadAsBytes())) > 0;
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                });
                // The publisher is not held up by the slow consumer, and stays connected.
                assertThat(publisher.getState().isConnected()).isTrue();
                publisher.disconnect();
            }
        }
    }
}
