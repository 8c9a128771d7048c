package io.polyhook.it;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.polyhook.it.NumberedMessages.numbers;
import static io.polyhook.it.PublishSubscribeTest.bytes;
import static io.polyhook.it.PublishSubscribeTest.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three brokers without durable stores: node3 leaves cleanly while a publisher on node1 goes on
 * sending at QoS 2 to an offline persistent session of node3's. The session moves with its
 * queue to another node; what node1 routed to node3 during the leave is forwarded or comes
 * through the new owner's routes; the client, back on node1, gets every acknowledged message
 * exactly once, the queued ones first and in order.
 */
class ClusterLeaveWhilePublishingTest {

    private static final int QUEUED = 300;
    /** How many more the publisher sends after the leave returned: it keeps going across the whole leave. */
    private static final int AFTER = 100;
    private static final int MAX_DURING = 20_000;

    @Test
    void messagesPublishedWhileANodeLeavesReachItsMovedSessionOnceEach() throws Exception {
        // Room in the moved session for all that comes during the leave, however long it takes on a busy machine:
        // past max_offline_messages the oldest are dropped, by design, which is not what this test is about.
        BrokerCluster cluster = BrokerCluster.of(3, c -> c.withBroker(c.broker().withMaxOfflineMessages(QUEUED + MAX_DURING)));
        try {
            Mqtt5BlockingClient first = cluster.track(cluster.builder(3, "leaver").buildBlocking());
            first.connectWith().cleanStart(true).sessionExpiryInterval(3600).send();
            first.subscribeWith().topicFilter("lv/#").qos(MqttQos.EXACTLY_ONCE).send();
            first.disconnect();
            cluster.awaitRoute(1, "lv/x", 3);
            NumberedMessages.publish(cluster, 1, "lv/x", 0, QUEUED);

            Mqtt5AsyncClient pub = cluster.builder(1, "lv-pub").buildAsync();
            pub.connect().get(60, TimeUnit.SECONDS);
            List<CompletableFuture<Mqtt5PublishResult>> acks = new ArrayList<>();
            AtomicBoolean left = new AtomicBoolean();
            CountDownLatch publishing = new CountDownLatch(1);
            Thread publisher = Thread.ofVirtual().start(() -> {
                int after = 0;
                for (int i = QUEUED; i < QUEUED + MAX_DURING && after < AFTER; i++) {
                    CompletableFuture<Mqtt5PublishResult> ack = pub.publishWith().topic("lv/x").qos(MqttQos.EXACTLY_ONCE)
                            .payload(bytes(Integer.toString(i))).send();
                    acks.add(ack);
                    publishing.countDown();
                    if (left.get()) {
                        after++;
                    }
                    // At most a window of unacknowledged messages: the leave happens while they flow.
                    if (acks.size() % 32 == 0) {
                        ack.join();
                    }
                }
            });
            assertThat(publishing.await(60, TimeUnit.SECONDS)).isTrue();
            cluster.stop(3);
            left.set(true);
            publisher.join();
            for (CompletableFuture<Mqtt5PublishResult> ack : acks) {
                assertThat(ack.get(120, TimeUnit.SECONDS).getError()).as("acknowledged").isEmpty();
            }
            pub.disconnect().get(60, TimeUnit.SECONDS);
            int total = QUEUED + acks.size();

            Mqtt5BlockingClient back = cluster.track(cluster.builder(1, "leaver").buildBlocking());
            try (var in = back.publishes(MqttGlobalPublishFilter.ALL)) {
                assertThat(back.connectWith().cleanStart(false).sessionExpiryInterval(3600).send().isSessionPresent())
                        .as("the session moved with the leave").isTrue();
                List<String> got = new ArrayList<>();
                Optional<Mqtt5Publish> p;
                while (got.size() < total && (p = in.receive(60, TimeUnit.SECONDS)).isPresent()) {
                    got.add(text(p.get().getPayloadAsBytes()));
                }
                while ((p = in.receive(2, TimeUnit.SECONDS)).isPresent()) {
                    got.add(text(p.get().getPayloadAsBytes()));
                }
                assertThat(got).as("every acknowledged message exactly once").containsExactlyInAnyOrderElementsOf(
                        numbers(0, total));
                assertThat(got.subList(0, QUEUED)).as("the queue first, in order").isEqualTo(numbers(0, QUEUED));
            }
            back.disconnect();
        } finally {
            cluster.close();
        }
    }
}
