package io.polyhook.it;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.polyhook.it.NumberedMessages.numbers;
import static io.polyhook.it.PublishSubscribeTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A persistent session moves between two nodes while a publisher on the node it leaves goes on
 * sending to it: what was queued comes with the move, what reaches the old node after its queue
 * was read is forwarded, what the new node's routes bring comes directly, and every message
 * reaches the client once, the queued ones first and in order. With or without durable stores.
 */
final class PublishedWhileMoving {

    private PublishedWhileMoving() {
    }

    /**
     * A session of {@code clientId} with 300 messages queued on node {@code from} moves to node
     * {@code to} while a publisher on {@code from} sends 300 more at QoS 2, then one more once the
     * move is done.
     */
    static void check(BrokerCluster cluster, String clientId, int from, int to) throws Exception {
        int before = 300;
        int during = 300;
        Mqtt5BlockingClient first = cluster.track(cluster.builder(from, clientId).buildBlocking());
        first.connectWith().cleanStart(true).sessionExpiryInterval(3600).send();
        first.subscribeWith().topicFilter(clientId).qos(MqttQos.EXACTLY_ONCE).send();
        first.disconnect();
        NumberedMessages.publish(cluster, from, clientId, 0, before);
        // A publisher on the old node goes on while the session moves: what it queued comes in the move,
        // what reaches it after it is forwarded, what the new node's routes bring comes directly.
        Mqtt5AsyncClient pub = cluster.builder(from, clientId + "-pub").buildAsync();
        pub.connect().get(60, TimeUnit.SECONDS);
        List<CompletableFuture<Mqtt5PublishResult>> acks = new ArrayList<>();
        Thread publisher = Thread.ofVirtual().start(() -> {
            for (int i = before; i < before + during; i++) {
                acks.add(pub.publishWith().topic(clientId).qos(MqttQos.EXACTLY_ONCE)
                        .payload(bytes(Integer.toString(i))).send());
            }
        });
        Mqtt5BlockingClient back = cluster.track(cluster.builder(to, clientId).buildBlocking());
        try (var in = back.publishes(MqttGlobalPublishFilter.ALL)) {
            assertThat(back.connectWith().cleanStart(false).sessionExpiryInterval(3600).send().isSessionPresent())
                    .isTrue();
            publisher.join();
            for (CompletableFuture<Mqtt5PublishResult> ack : acks) {
                assertThat(ack.get(120, TimeUnit.SECONDS).getError()).as("acknowledged").isEmpty();
            }
            // And one more, published on the old node once the move is done.
            cluster.v5(from, clientId + "-last").publishWith().topic(clientId).qos(MqttQos.EXACTLY_ONCE)
                    .payload(bytes(Integer.toString(before + during))).send();
            List<String> got = new ArrayList<>();
            Optional<Mqtt5Publish> p;
            while (got.size() < before + during + 1 && (p = in.receive(60, TimeUnit.SECONDS)).isPresent()) {
                got.add(PublishSubscribeTest.text(p.get().getPayloadAsBytes()));
            }
            assertThat(in.receive(2, TimeUnit.SECONDS)).as("nothing twice").isEmpty();
            assertThat(got).as("every message once").containsExactlyInAnyOrderElementsOf(numbers(0, before + during + 1));
            assertThat(got.subList(0, before)).as("the queue first, in order").isEqualTo(numbers(0, before));
        } finally {
            pub.disconnect();
        }
        back.disconnect();
    }
}
