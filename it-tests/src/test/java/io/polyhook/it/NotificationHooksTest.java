package io.polyhook.it;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.polyhook.spi.HookContext;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.NotificationHook;
import io.polyhook.spi.Plugin;
import io.polyhook.spi.PluginContext;
import io.polyhook.spi.PublishContext;
import io.polyhook.spi.RegisterContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import static io.polyhook.it.PublishSubscribeTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;

/** Notification hooks are told about what happened, after the fact. */
class NotificationHooksTest {

    /** Records every notification as "hook:clientId" plus the contexts. */
    static final class Recorder implements Plugin {
        final Queue<String> events = new ConcurrentLinkedQueue<>();
        final Queue<HookContext> contexts = new ConcurrentLinkedQueue<>();

        @Override
        public void start(PluginContext context) {
            for (var hook : Hooks.all()) {
                if (hook instanceof NotificationHook<?> n) {
                    register(context, n);
                }
            }
        }

        private <C extends HookContext> void register(PluginContext context, NotificationHook<C> hook) {
            context.hooks().register(hook, c -> {
                events.add(hook.name() + ":" + c.clientId());
                contexts.add(c);
            });
        }

        boolean saw(String event) {
            return events.contains(event);
        }
    }

    private final Recorder recorder = new Recorder();
    private TestBroker broker;

    @BeforeEach
    void start() {
        broker = TestBroker.start(recorder);
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    @Test
    void onRegisterAndWakeupFireAfterConnect() {
        broker.v5("n1");
        Await.until("on_register_m5", () -> recorder.saw("on_register_m5:n1"));
        Await.until("on_client_wakeup", () -> recorder.saw("on_client_wakeup:n1"));
        broker.v3("n3");
        Await.until("on_register", () -> recorder.saw("on_register:n3"));
        RegisterContext rc = (RegisterContext) recorder.contexts.stream()
                .filter(c -> c instanceof RegisterContext r && r.clientId().equals("n1")).findFirst().orElseThrow();
        assertThat(rc.password()).isEmpty();
    }

    @Test
    void onPublishAndOnSubscribeFireWithTheMessage() {
        Mqtt5BlockingClient c = broker.v5("p");
        c.subscribeWith().topicFilter("s/#").qos(MqttQos.AT_LEAST_ONCE).send();
        c.publishWith().topic("s/1").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("body")).send();
        Await.until("on_subscribe_m5", () -> recorder.saw("on_subscribe_m5:p"));
        Await.until("on_publish_m5", () -> recorder.saw("on_publish_m5:p"));
        PublishContext pc = (PublishContext) recorder.contexts.stream()
                .filter(x -> x instanceof PublishContext).findFirst().orElseThrow();
        assertThat(pc.topic()).isEqualTo("s/1");
        assertThat(pc.payload().toUtf8String()).isEqualTo("body");
    }

    @Test
    void onClientGoneFiresWhenANonPersistentSessionEnds() {
        broker.v5("gone").disconnect();
        Await.until("on_client_gone", () -> recorder.saw("on_client_gone:gone"));
        assertThat(recorder.events).doesNotContain("on_client_offline:gone");
    }

    @Test
    void onClientOfflineAndOfflineMessageFireForAPersistentSession() {
        Mqtt5BlockingClient c = broker.v5Unconnected("durable");
        c.connectWith().sessionExpiryInterval(300).send();
        c.subscribeWith().topicFilter("d").qos(MqttQos.AT_LEAST_ONCE).send();
        c.disconnect();
        Await.until("on_client_offline", () -> recorder.saw("on_client_offline:durable"));
        broker.v5("pub").publishWith().topic("d").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("q")).send();
        Await.until("on_offline_message", () -> recorder.saw("on_offline_message:durable"));
        assertThat(recorder.events).doesNotContain("on_client_gone:durable");
    }

    @Test
    void onSessionExpiredFiresWhenTheExpiryIntervalRunsOut() {
        Mqtt5BlockingClient c = broker.v5Unconnected("short");
        c.connectWith().sessionExpiryInterval(1).send();
        c.disconnect();
        Await.until("on_session_expired", () -> recorder.saw("on_session_expired:short"));
        assertThat(broker.broker.sessionCount()).isZero();
    }

    @Test
    void willPublicationIsReportedThroughOnPublish() throws Exception {
        var paho = new org.eclipse.paho.client.mqttv3.MqttClient("tcp://127.0.0.1:" + broker.port(), "willer",
                new org.eclipse.paho.client.mqttv3.persist.MemoryPersistence());
        var o = new org.eclipse.paho.client.mqttv3.MqttConnectOptions();
        o.setWill("wills/w", bytes("bye"), 0, false);
        paho.connect(o);
        paho.disconnectForcibly(0, 1, false);
        paho.close();
        Await.until("on_publish of the will", () -> recorder.saw("on_publish:willer"));
        Await.until("on_client_gone", () -> recorder.saw("on_client_gone:willer"));
        assertThat(List.copyOf(recorder.events)).contains("on_register:willer");
    }
}
