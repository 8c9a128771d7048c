package io.polyhook.it;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static io.polyhook.it.PublishSubscribeTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Messages whose payloads are their numbers, so that a test sees at once what came, in which
 * order and what came twice: published on one node of a {@link BrokerCluster}, QoS 1 and 2 in turn.
 */
final class NumberedMessages {

    /** Generous: this machine has two busy cores. */
    private static final long PATIENCE_SECONDS = 120;

    private NumberedMessages() {
    }

    /**
     * Publishes {@code n} messages numbered from {@code from} on {@code topic} through node
     * {@code node}, even numbers at QoS 1 and odd ones at QoS 2, in that order on one connection,
     * and returns once the node acknowledged each (after its store committed it). The messages
     * go out without waiting for each other's acknowledgement, so that they share the store's
     * commits as a real publisher's do: one sync per message would take minutes on a busy disk.
     */
    static void publish(BrokerCluster cluster, int node, String topic, int from, int n) throws Exception {
        Mqtt5AsyncClient pub = cluster.builder(node, "pub-" + topic.replace('/', '-') + "-" + from).buildAsync();
        pub.connect().get(PATIENCE_SECONDS, TimeUnit.SECONDS);
        try {
            List<CompletableFuture<Mqtt5PublishResult>> acks = new ArrayList<>(n);
            for (int i = from; i < from + n; i++) {
                acks.add(pub.publishWith().topic(topic).qos(i % 2 == 0 ? MqttQos.AT_LEAST_ONCE : MqttQos.EXACTLY_ONCE)
                        .payload(bytes(Integer.toString(i))).send());
            }
            for (CompletableFuture<Mqtt5PublishResult> ack : acks) {
                assertThat(ack.get(PATIENCE_SECONDS, TimeUnit.SECONDS).getError()).as("acknowledged").isEmpty();
            }
        } finally {
            pub.disconnect().get(PATIENCE_SECONDS, TimeUnit.SECONDS);
        }
    }

    /** The payloads of the messages numbered {@code from} to {@code from + n - 1}, in order. */
    static List<String> numbers(int from, int n) {
        return IntStream.range(from, from + n).mapToObj(Integer::toString).toList();
    }
}
