package io.polyhook.it;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static io.polyhook.it.PersistenceFixtures.subscribeAndLeave;
import static io.polyhook.it.PublishSubscribeTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * When the PUBACK goes out with a store: only once the message is as durable as the sync mode
 * promises; and when the store cannot write (a full disk), not at all: the publisher is
 * disconnected (it resends after reconnecting) and the broker serves the others.
 */
@ExtendWith(NettyLeakGuard.class)
class PersistenceWriteFailureTest {

    @Test
    void pubacksWaitForTheStoresDurabilityAndKeepThePublishOrder() throws Exception {
        // Reaches no persistent session: nothing to wait for, but its PUBACK must not overtake the first one's.
        aLaterPubackWaitsForOneThatWaitsForTheStore(pub -> pub.toAsync().publishWith().topic("elsewhere")
                .qos(MqttQos.AT_LEAST_ONCE).payload(bytes("2")).send(), "2");
    }

    @Test
    void aRefusalsPubackWaitsBehindAnEarlierOneThatWaitsForTheStore() throws Exception {
        aLaterPubackWaitsForOneThatWaitsForTheStore(pub -> {
            // Refused at once ($SYS belongs to the broker): its negative PUBACK must not overtake the first one's.
            CompletableFuture<Object> refused = pub.toAsync().publishWith().topic("$SYS/forged")
                    .qos(MqttQos.AT_LEAST_ONCE).payload(bytes("2")).send().handle((r, e) -> e == null ? r : e);
            // Routed after the refusal's verdict (verdicts apply in order), and sent after its PUBACK would be.
            pub.toAsync().publishWith().topic("elsewhere").payload(bytes("3")).send();
            return refused;
        }, "3");
    }

    /**
     * A QoS 1 PUBLISH to an offline persistent session while the store's fsync is held, then
     * {@code later} from the same publisher, of which a watcher of "elsewhere" sees
     * {@code routed}: neither PUBACK goes out before the fsync, and both do after it.
     */
    private static void aLaterPubackWaitsForOneThatWaitsForTheStore(
            Function<Mqtt5BlockingClient, CompletableFuture<?>> later, String routed) throws Exception {
        FailingStore store = new FailingStore();
        try (TestBroker broker = TestBroker.onStore(store)) {
            subscribeAndLeave(broker, "offline", "kept/#", MqttQos.EXACTLY_ONCE);
            Mqtt5BlockingClient watcher = broker.v5("watcher");
            try (Mqtt5BlockingClient.Mqtt5Publishes seen = watcher.publishes(MqttGlobalPublishFilter.ALL)) {
                watcher.subscribeWith().topicFilter("elsewhere").qos(MqttQos.AT_LEAST_ONCE).send();
                store.holdDurability();
                Mqtt5BlockingClient pub = broker.v5("pub");
                CompletableFuture<Mqtt5PublishResult> first = pub.toAsync().publishWith().topic("kept/1")
                        .qos(MqttQos.AT_LEAST_ONCE).payload(bytes("1")).send();
                CompletableFuture<?> second = later.apply(pub);
                assertThat(PersistenceRestartTest.receive(seen, 1)).as("both were routed").containsExactly(routed);
                assertThat(first).as("PUBACK before the write is durable").isNotDone();
                assertThat(second).as("a later PUBACK overtaking it").isNotDone();
                store.releaseDurability();
                first.get(30, TimeUnit.SECONDS);
                second.get(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aPublishTheStoreCannotKeepIsNotAcknowledgedAndOtherClientsAreServed() throws Exception {
        FailingStore store = new FailingStore();
        try (TestBroker broker = TestBroker.onStore(store)) {
            subscribeAndLeave(broker, "offline", "kept/#", MqttQos.AT_LEAST_ONCE);

            store.failing = true;
            Mqtt5BlockingClient pub = broker.v5("pub");
            CompletableFuture<Mqtt5PublishResult> ack = pub.toAsync().publishWith().topic("kept/1")
                    .qos(MqttQos.AT_LEAST_ONCE).payload(bytes("lost?")).send();
            assertThatThrownBy(() -> ack.get(30, TimeUnit.SECONDS)).as("no PUBACK for what was not stored")
                    .isNotNull();
            Await.until("the publisher is disconnected", () -> !pub.getState().isConnected());

            // Clean sessions never write: they go on as before.
            Mqtt5BlockingClient sub = broker.v5("clean-sub");
            try (Mqtt5BlockingClient.Mqtt5Publishes publishes = sub.publishes(MqttGlobalPublishFilter.ALL)) {
                sub.subscribeWith().topicFilter("other").qos(MqttQos.AT_LEAST_ONCE).send();
                broker.v5("clean-pub").publishWith().topic("other").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("ok")).send();
                assertThat(PersistenceRestartTest.receive(publishes, 1)).containsExactly("ok");
            }

            store.failing = false;
            Mqtt5BlockingClient again = broker.v5("pub2");
            again.publishWith().topic("kept/1").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("stored")).send();
            Mqtt5BlockingClient back = broker.v5Unconnected("offline");
            try (Mqtt5BlockingClient.Mqtt5Publishes publishes = back.publishes(MqttGlobalPublishFilter.ALL)) {
                back.connectWith().cleanStart(false).sessionExpiryInterval(3600).send();
                assertThat(PersistenceRestartTest.receive(publishes, 1)).containsExactly("stored");
                assertThat(publishes.receive(300, TimeUnit.MILLISECONDS)).isEmpty();
            }
        }
    }
}
