package io.polyhook.it;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.polyhook.broker.store.StoreException;
import io.polyhook.broker.config.SyncMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static io.polyhook.it.PersistenceFixtures.fromConfigFile;
import static io.polyhook.it.PersistenceFixtures.metrics;
import static io.polyhook.it.PersistenceFixtures.storeIn;
import static io.polyhook.it.PersistenceFixtures.storeWrites;
import static io.polyhook.it.PersistenceFixtures.subscribeAndLeave;
import static io.polyhook.it.PublishSubscribeTest.bytes;
import static io.polyhook.it.PublishSubscribeTest.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A broker with {@code persistence} on (RocksDB in a temp folder) restarted in this process: what
 * persistent sessions had, and the retained messages, are there after the restart.
 */
@ExtendWith(NettyLeakGuard.class)
class PersistenceRestartTest {

    @TempDir
    Path dir;

    private TestBroker start(SyncMode sync) {
        return TestBroker.configured(storeIn(dir, sync));
    }

    /** The next {@code n} messages' payloads, failing if they do not come within a minute. */
    static List<String> receive(Mqtt5BlockingClient.Mqtt5Publishes publishes, int n) throws InterruptedException {
        List<String> got = new ArrayList<>(n);
        while (got.size() < n) {
            Optional<Mqtt5Publish> p = publishes.receive(60, TimeUnit.SECONDS);
            assertThat(p).as("message %d of %d", got.size() + 1, n).isPresent();
            got.add(text(p.get().getPayloadAsBytes()));
        }
        return got;
    }

    @Test
    void anOfflineQueueOfQos1AndQos2MessagesIsDeliveredOnceAndInOrderAfterARestart() throws Exception {
        int n = 200;
        for (SyncMode sync : List.of(SyncMode.BATCH, SyncMode.ALWAYS)) {
            String sub = "sub-" + sync.configName();
            try (TestBroker broker = start(sync)) {
                subscribeAndLeave(broker, sub, "q/" + sync.configName(), MqttQos.EXACTLY_ONCE);
                Mqtt5BlockingClient pub = broker.v5("pub");
                for (int i = 0; i < n; i++) {
                    pub.publishWith().topic("q/" + sync.configName()).qos(i % 2 == 0 ? MqttQos.AT_LEAST_ONCE
                            : MqttQos.EXACTLY_ONCE).payload(bytes(Integer.toString(i))).send();
                }
            }
            try (TestBroker broker = start(sync)) {
                Mqtt5BlockingClient c = broker.v5Unconnected(sub);
                try (Mqtt5BlockingClient.Mqtt5Publishes publishes = c.publishes(MqttGlobalPublishFilter.ALL)) {
                    assertThat(c.connectWith().cleanStart(false).sessionExpiryInterval(3600).send().isSessionPresent())
                            .isTrue();
                    List<String> expected = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        expected.add(Integer.toString(i));
                    }
                    assertThat(receive(publishes, n)).containsExactlyElementsOf(expected);
                    assertThat(publishes.receive(300, TimeUnit.MILLISECONDS)).as("nothing twice").isEmpty();
                }
            }
        }
    }

    @Test
    void aRestartKeepsTheSubscriptionsOfAPersistentSessionForLiveMessages() throws Exception {
        try (TestBroker broker = start(SyncMode.BATCH)) {
            subscribeAndLeave(broker, "keeper", "live/+", MqttQos.AT_LEAST_ONCE);
        }
        try (TestBroker broker = start(SyncMode.BATCH)) {
            assertThat(broker.broker.sessionCount()).isEqualTo(1);
            assertThat(broker.broker.subscriptionCount("")).isEqualTo(1);
            Mqtt5BlockingClient c = broker.v5Unconnected("keeper");
            try (Mqtt5BlockingClient.Mqtt5Publishes publishes = c.publishes(MqttGlobalPublishFilter.ALL)) {
                c.connectWith().cleanStart(false).sessionExpiryInterval(3600).send();
                broker.v5("pub").publishWith().topic("live/1").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("now")).send();
                assertThat(receive(publishes, 1)).containsExactly("now");
            }
        }
    }

    @Test
    void retainedMessagesSurviveARestartAndAClearedOneStaysCleared() throws Exception {
        try (TestBroker broker = start(SyncMode.BATCH)) {
            Mqtt5BlockingClient pub = broker.v5("pub");
            pub.publishWith().topic("r/kept").retain(true).qos(MqttQos.AT_MOST_ONCE).payload(bytes("kept"))
                    .contentType("text/plain").send();
            pub.publishWith().topic("r/cleared").retain(true).qos(MqttQos.AT_LEAST_ONCE).payload(bytes("old")).send();
            pub.publishWith().topic("r/cleared").retain(true).qos(MqttQos.AT_LEAST_ONCE).payload(new byte[0]).send();
        }
        try (TestBroker broker = start(SyncMode.BATCH)) {
            assertThat(broker.broker.retainedCount("")).isEqualTo(1);
            Mqtt5BlockingClient c = broker.v5Unconnected("reader");
            try (Mqtt5BlockingClient.Mqtt5Publishes publishes = c.publishes(MqttGlobalPublishFilter.ALL)) {
                c.connect();
                c.subscribeWith().topicFilter("r/#").qos(MqttQos.AT_LEAST_ONCE).send();
                Mqtt5Publish p = publishes.receive(30, TimeUnit.SECONDS).orElseThrow();
                assertThat(text(p.getPayloadAsBytes())).isEqualTo("kept");
                assertThat(p.isRetain()).isTrue();
                assertThat(p.getContentType()).hasValueSatisfying(t -> assertThat(t.toString()).isEqualTo("text/plain"));
                assertThat(publishes.receive(300, TimeUnit.MILLISECONDS)).isEmpty();
            }
        }
    }

    @Test
    void aSecondBrokerOnAFolderInUseFailsWithOneLineNamingTheFolder() {
        try (TestBroker broker = start(SyncMode.BATCH)) {
            assertThatThrownBy(() -> start(SyncMode.BATCH))
                    .isInstanceOf(StoreException.class)
                    .satisfies(e -> {
                        assertThat(((StoreException) e).kind()).isEqualTo(StoreException.Kind.LOCKED);
                        assertThat(e.getMessage()).contains(dir.toString()).doesNotContain("\n");
                    });
            assertThat(broker.broker.sessionCount()).isZero();
        }
    }

    @Test
    void metricsShowTheStoreOnDiskItsQueuedMessagesAndItsWriteLatency() throws Exception {
        try (TestBroker broker = fromConfigFile(dir)) {
            subscribeAndLeave(broker, "offline", "m/#", MqttQos.AT_LEAST_ONCE);
            Mqtt5BlockingClient pub = broker.v5("pub");
            for (int i = 0; i < 10; i++) {
                pub.publishWith().topic("m/1").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("x")).send();
            }
            assertThat(metrics(broker)).contains("polyhook_store_queued_messages 10.0", "polyhook_store_disk_bytes ",
                    "# TYPE polyhook_store_write_latency_seconds histogram",
                    "polyhook_store_write_latency_seconds_bucket{le=\"0.001\"}",
                    "# TYPE polyhook_store_sync_latency_seconds histogram",
                    "polyhook_store_sync_latency_seconds_bucket{le=\"+Inf\"}");
            assertThat(storeWrites(broker)).isGreaterThanOrEqualTo(10);
        }
    }

    @Test
    void aSessionThatExpiredWhileTheBrokerWasDownIsRemovedAtStartAndOnSessionExpiredFires() throws Exception {
        long left;
        try (TestBroker broker = start(SyncMode.BATCH)) {
            subscribeAndLeave(broker, "kept", "e/#", MqttQos.AT_LEAST_ONCE);
            Mqtt5BlockingClient c = broker.v5Unconnected("short");
            c.connectWith().cleanStart(true).sessionExpiryInterval(3).send();
            c.subscribeWith().topicFilter("e/#").qos(MqttQos.AT_LEAST_ONCE).send();
            c.disconnect();
            left = System.nanoTime();
        }
        // The session's expiry runs on the wall clock while no broker runs.
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - left);
        Thread.sleep(Math.max(0, 3_500 - waited));
        NotificationHooksTest.Recorder hooks = new NotificationHooksTest.Recorder();
        try (TestBroker broker = TestBroker.configured(storeIn(dir, SyncMode.BATCH), hooks)) {
            Await.until("on_session_expired for the expired session", () -> hooks.events.contains("on_session_expired:short"));
            assertThat(broker.broker.sessionCount()).isEqualTo(1);
            assertThat(broker.broker.subscriptionCount("")).isEqualTo(1);
        }
        try (TestBroker broker = start(SyncMode.BATCH)) {
            assertThat(broker.broker.sessionCount()).as("removed from the store too").isEqualTo(1);
        }
    }

    @Test
    void aDelayedWillPendingAtShutdownIsPublishedAfterTheRestart() throws Exception {
        NotificationHooksTest.Recorder hooks = new NotificationHooksTest.Recorder();
        try (TestBroker broker = TestBroker.configured(storeIn(dir, SyncMode.BATCH), hooks)) {
            Mqtt5BlockingClient w = broker.v5Builder("leaver").willPublish().topic("wills/leaver").payload(bytes("gone"))
                    .qos(MqttQos.AT_LEAST_ONCE).delayInterval(5).applyWillPublish().buildBlocking();
            w.connectWith().cleanStart(true).sessionExpiryInterval(3600).send();
            w.disconnectWith().reasonCode(com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode
                    .DISCONNECT_WITH_WILL_MESSAGE).send();
            // The broker has taken the disconnect (and with it the will) before it stops.
            Await.until("the leaver is offline", () -> hooks.events.contains("on_client_offline:leaver"));
        }
        try (TestBroker broker = start(SyncMode.BATCH)) {
            Mqtt5BlockingClient watcher = broker.v5Unconnected("watcher");
            try (Mqtt5BlockingClient.Mqtt5Publishes publishes = watcher.publishes(MqttGlobalPublishFilter.ALL)) {
                watcher.connect();
                watcher.subscribeWith().topicFilter("wills/#").qos(MqttQos.AT_LEAST_ONCE).send();
                assertThat(receive(publishes, 1)).containsExactly("gone");
            }
        }
    }

    @Test
    void unsubscribingAndStartingCleanAreWrittenToo() throws Exception {
        try (TestBroker broker = start(SyncMode.BATCH)) {
            Mqtt5BlockingClient c = broker.v5Unconnected("changer");
            c.connectWith().cleanStart(true).sessionExpiryInterval(3600).send();
            c.subscribeWith().topicFilter("a/#").qos(MqttQos.AT_LEAST_ONCE).send();
            c.subscribeWith().topicFilter("b/#").qos(MqttQos.AT_LEAST_ONCE).send();
            c.unsubscribeWith().topicFilter("a/#").send();
            c.disconnect();
            Mqtt5BlockingClient gone = broker.v5Unconnected("gone");
            gone.connectWith().cleanStart(true).sessionExpiryInterval(3600).send();
            gone.subscribeWith().topicFilter("g/#").qos(MqttQos.AT_LEAST_ONCE).send();
            gone.disconnect();
            // Back with a clean start and no expiry: the stored session ends.
            gone.connectWith().cleanStart(true).sessionExpiryInterval(0).send();
            gone.disconnect();
        }
        try (TestBroker broker = start(SyncMode.BATCH)) {
            assertThat(broker.broker.sessionCount()).isEqualTo(1);
            assertThat(broker.broker.subscriptionCount("")).isEqualTo(1);
        }
    }

    @Test
    void theOfflineQueueBoundDropsTheOldestStoredMessagesAsInMemory() throws Exception {
        java.util.function.UnaryOperator<io.polyhook.broker.config.BrokerConfig> bounded = c -> storeIn(dir, SyncMode.BATCH)
                .apply(c).withBroker(c.broker().withMaxOfflineMessages(5));
        try (TestBroker broker = TestBroker.configured(bounded)) {
            subscribeAndLeave(broker, "bounded", "d/#", MqttQos.AT_LEAST_ONCE);
            Mqtt5BlockingClient pub = broker.v5("pub");
            for (int i = 0; i < 10; i++) {
                pub.publishWith().topic("d/1").qos(MqttQos.AT_LEAST_ONCE).payload(bytes(Integer.toString(i))).send();
            }
        }
        try (TestBroker broker = TestBroker.configured(bounded)) {
            Mqtt5BlockingClient c = broker.v5Unconnected("bounded");
            try (Mqtt5BlockingClient.Mqtt5Publishes publishes = c.publishes(MqttGlobalPublishFilter.ALL)) {
                c.connectWith().cleanStart(false).sessionExpiryInterval(3600).send();
                assertThat(receive(publishes, 5)).containsExactly("5", "6", "7", "8", "9");
                assertThat(publishes.receive(300, TimeUnit.MILLISECONDS)).isEmpty();
            }
        }
    }

    @Test
    void aCleanSessionNeverReachesTheStore() throws Exception {
        try (TestBroker broker = start(SyncMode.BATCH)) {
            Mqtt5BlockingClient c = broker.v5Unconnected("clean");
            try (Mqtt5BlockingClient.Mqtt5Publishes publishes = c.publishes(MqttGlobalPublishFilter.ALL)) {
                c.connect();
                c.subscribeWith().topicFilter("c/#").qos(MqttQos.AT_LEAST_ONCE).send();
                broker.v5("pub").publishWith().topic("c/1").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("x")).send();
                assertThat(receive(publishes, 1)).containsExactly("x");
            }
        }
        try (TestBroker broker = start(SyncMode.BATCH)) {
            assertThat(broker.broker.sessionCount()).isZero();
        }
    }
}
