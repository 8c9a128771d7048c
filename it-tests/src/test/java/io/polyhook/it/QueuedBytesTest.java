package io.polyhook.it;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import io.polyhook.broker.config.ResourceLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * broker.max_offline_bytes and broker.max_total_queued_bytes with real clients: what persistent
 * sessions hold while their clients are away is bounded in bytes, per queue and over all of them,
 * so that one client with a few persistent sessions and large QoS 1 messages cannot fill the heap.
 */
@ExtendWith(NettyLeakGuard.class)
class QueuedBytesTest {

    private static final int TEN_KIB = 10 * 1024;

    private static TestBroker broker(UnaryOperator<ResourceLimits> limits) {
        return TestBroker.configured(TestBroker.broker(b -> b.withAllowAnonymous(true)
                .withLimits(limits.apply(b.limits()))));
    }

    /** Subscribes {@code id} persistently to {@code topic} at QoS 1, then goes offline. */
    private static void subscribeAndLeave(TestBroker broker, String id, String topic) {
        Mqtt5BlockingClient c = broker.v5Unconnected(id);
        c.connectWith().cleanStart(true).sessionExpiryInterval(600).send();
        c.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).send();
        c.disconnect();
    }

    /** 10 KiB payloads that start with their number, "0".."n-1", at QoS 1; waits for every PUBACK. */
    private static void publishNumbered(Mqtt5BlockingClient publisher, String topic, int n) {
        List<CompletableFuture<Mqtt5PublishResult>> acks = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] payload = new byte[TEN_KIB];
            byte[] number = (i + ":").getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(number, 0, payload, 0, number.length);
            acks.add(publisher.toAsync().publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(payload).send());
        }
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).orTimeout(60, TimeUnit.SECONDS).join();
    }

    /**
     * Reconnects {@code id} and returns the numbers of the queued messages it gets: everything
     * before the marker that a live publish to {@code topic} puts behind them (order is kept).
     */
    private static List<Integer> reconnectAndCollect(TestBroker broker, String id, String topic) throws Exception {
        Mqtt5BlockingClient back = broker.v5Unconnected(id);
        List<Integer> got = new ArrayList<>();
        try (var in = back.publishes(MqttGlobalPublishFilter.ALL)) {
            assertThat(back.connectWith().cleanStart(false).sessionExpiryInterval(600).send().isSessionPresent()).isTrue();
            broker.v5(id + "-marker").publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(bytes("end")).send();
            while (true) {
                Mqtt5Publish p = in.receive(30, TimeUnit.SECONDS).orElseThrow(() -> new AssertionError("no marker"));
                String text = StandardCharsets.US_ASCII.decode(ByteBuffer.wrap(p.getPayloadAsBytes())).toString();
                if (text.equals("end")) {
                    return got;
                }
                got.add(Integer.parseInt(text.substring(0, text.indexOf(':'))));
            }
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void anOfflineQueueKeepsItsNewestMessagesWithinMaxOfflineBytes() throws Exception {
        try (TestBroker broker = broker(l -> l.withQueuedBytes(64 * 1024, l.maxOnlineBytes(), l.maxTotalQueuedBytes()))) {
            subscribeAndLeave(broker, "away", "big");
            publishNumbered(broker.v5("publisher"), "big", 20);
            List<Integer> got = reconnectAndCollect(broker, "away", "big");
            // 64 KiB holds six 10 KiB messages: the newest ones, in order; the older ones were dropped.
            assertThat(got).hasSizeBetween(1, 6);
            assertThat(got).isEqualTo(IntStream.range(20 - got.size(), 20).boxed().toList());
        }
    }

    @Test
    void allQueuesTogetherStayWithinMaxTotalQueuedBytesAndTheQueuesAlreadyFullKeepTheirMessages() throws Exception {
        try (TestBroker broker = broker(l -> l.withQueuedBytes(16 << 20, 16 << 20, 100 * 1024))) {
            subscribeAndLeave(broker, "first", "a");
            subscribeAndLeave(broker, "second", "b");
            Mqtt5BlockingClient publisher = broker.v5("publisher");
            publishNumbered(publisher, "a", 8);
            publishNumbered(publisher, "b", 8);
            assertThat(broker.broker.queuedBytes()).isLessThanOrEqualTo(100 * 1024);
            assertThat(reconnectAndCollect(broker, "first", "a")).isEqualTo(IntStream.range(0, 8).boxed().toList());
            List<Integer> second = reconnectAndCollect(broker, "second", "b");
            // Eight messages of the first took 80 KiB of the 100: the second kept what still fit, its first ones.
            assertThat(second).hasSizeBetween(1, 2);
            assertThat(second).isEqualTo(IntStream.range(0, second.size()).boxed().toList());
            Await.until("every queue given back", () -> broker.broker.queuedBytes() == 0);
        }
    }
}
