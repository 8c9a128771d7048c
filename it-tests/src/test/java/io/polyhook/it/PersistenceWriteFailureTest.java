package io.polyhook.it;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.polyhook.it.PublishSubscribeTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A store that cannot write (a full disk): what it did not keep is not acknowledged, the
 * publisher is disconnected (it resends after reconnecting), and the broker serves the others.
 */
@ExtendWith(NettyLeakGuard.class)
class PersistenceWriteFailureTest {

    @Test
    void aPublishTheStoreCannotKeepIsNotAcknowledgedAndOtherClientsAreServed() throws Exception {
        FailingStore store = new FailingStore();
        try (TestBroker broker = TestBroker.onStore(store)) {
            Mqtt5BlockingClient offline = broker.v5Unconnected("offline");
            offline.connectWith().cleanStart(true).sessionExpiryInterval(3600).send();
            offline.subscribeWith().topicFilter("kept/#").qos(MqttQos.AT_LEAST_ONCE).send();
            offline.disconnect();

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
