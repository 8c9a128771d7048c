package io.polyhook.it;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.polyhook.broker.config.NoMatch;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.Plugin;
import io.polyhook.spi.PluginContext;
import io.polyhook.spi.Verdict;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static io.polyhook.it.PublishSubscribeTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;

/** Many publishers at once, with a hook on every publish: nothing lost, each publisher's order kept. */
class ConcurrencyTest {

    private static final int PUBLISHERS = 8;
    private static final int MESSAGES = 100;
    private static final int SUBSCRIBERS = 3;

    @Test
    void everySubscriberGetsEveryMessageInPerPublisherOrder() throws Exception {
        Plugin passThrough = new Plugin() {
            @Override
            public void start(PluginContext context) {
                context.hooks().register(Hooks.AUTH_ON_PUBLISH_M5, pc -> Verdict.next());
                context.hooks().register(Hooks.ON_DELIVER_M5, pc -> Verdict.next());
            }
        };
        // The pass-through handlers never decide: no_match: allow lets every request through.
        try (TestBroker broker = TestBroker.configured(TestBroker.broker(b -> b.withNoMatch(NoMatch.ALLOW)), passThrough)) {
            List<Mqtt5BlockingClient> subs = new ArrayList<>();
            List<Mqtt5BlockingClient.Mqtt5Publishes> inboxes = new ArrayList<>();
            for (int s = 0; s < SUBSCRIBERS; s++) {
                Mqtt5BlockingClient sub = broker.v5("sub" + s);
                inboxes.add(sub.publishes(MqttGlobalPublishFilter.ALL));
                sub.subscribeWith().topicFilter("load/#").qos(MqttQos.AT_LEAST_ONCE).send();
                subs.add(sub);
            }
            // Subscribers read while the publishers run: an unread inbox would hold back the
            // acknowledgements, and the publishers would only measure the congestion pauses.
            ExecutorService pool = Executors.newFixedThreadPool(PUBLISHERS + SUBSCRIBERS);
            try {
                List<Future<Map<Integer, List<Integer>>>> received = new ArrayList<>();
                for (Mqtt5BlockingClient.Mqtt5Publishes inbox : inboxes) {
                    received.add(pool.submit(() -> sequencesPerPublisher(inbox)));
                }
                List<Future<?>> done = new ArrayList<>();
                for (int p = 0; p < PUBLISHERS; p++) {
                    int publisher = p;
                    done.add(pool.submit(() -> {
                        Mqtt5BlockingClient pub = broker.v5("pub" + publisher);
                        for (int i = 0; i < MESSAGES; i++) {
                            pub.publishWith().topic("load/" + publisher).qos(MqttQos.AT_LEAST_ONCE)
                                    .payload(bytes(publisher + ":" + i)).send();
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get(60, TimeUnit.SECONDS);
                }
                List<Integer> inOrder = IntStream.range(0, MESSAGES).boxed().toList();
                for (Future<Map<Integer, List<Integer>>> f : received) {
                    Map<Integer, List<Integer>> sequences = f.get(60, TimeUnit.SECONDS);
                    assertThat(sequences).hasSize(PUBLISHERS);
                    sequences.forEach((publisher, seqs) ->
                            assertThat(seqs).as("publisher %d order", publisher).isEqualTo(inOrder));
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static Map<Integer, List<Integer>> sequencesPerPublisher(Mqtt5BlockingClient.Mqtt5Publishes inbox)
            throws InterruptedException {
        Map<Integer, List<Integer>> sequences = new HashMap<>();
        try (inbox) {
            for (int n = 0; n < PUBLISHERS * MESSAGES; n++) {
                Mqtt5Publish m = inbox.receive(15, TimeUnit.SECONDS).orElseThrow();
                String[] parts = new String(m.getPayloadAsBytes(), StandardCharsets.UTF_8).split(":");
                sequences.computeIfAbsent(Integer.parseInt(parts[0]), k -> new ArrayList<>()).add(Integer.parseInt(parts[1]));
            }
        }
        return sequences;
    }
}
