package io.polyhook.it;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.polyhook.broker.config.DeliverySettings;
import io.polyhook.spi.ChainHook;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.Plugin;
import io.polyhook.spi.PluginContext;
import io.polyhook.spi.RegisterContext;
import io.polyhook.spi.RegisterModifiers;
import io.polyhook.spi.SharedSubscriptionPolicy;
import io.polyhook.spi.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.polyhook.it.PublishSubscribeTest.bytes;
import static io.polyhook.it.PublishSubscribeTest.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * broker.shared_subscription_policy and the register modifier of that name. On one node every
 * member of a group is local, so each policy gives a message to one online member, and to an
 * offline persistent member's queue only when no member is online.
 */
@ExtendWith(NettyLeakGuard.class)
class SharedSubscriptionPolicyTest {

    private static TestBroker brokerWith(SharedSubscriptionPolicy policy, Plugin... plugins) {
        return TestBroker.configured(TestBroker.broker(b -> b.withAllowAnonymous(plugins.length == 0)
                .withDelivery(DeliverySettings.DEFAULT.withSharedSubscriptionPolicy(policy))), plugins);
    }

    /** Subscribes {@code id} persistently to the group and to "marker", then goes offline. */
    private static void offlineMember(TestBroker broker, String id) {
        Mqtt5BlockingClient c = broker.v5Unconnected(id);
        c.connectWith().cleanStart(true).sessionExpiryInterval(600).send();
        c.subscribeWith().topicFilter("$share/g/work").qos(MqttQos.AT_LEAST_ONCE).send();
        c.subscribeWith().topicFilter("marker").qos(MqttQos.AT_LEAST_ONCE).send();
        c.disconnect();
    }

    /** Reconnects {@code id}, publishes "marker" and returns what it got up to and including the marker. */
    private static List<String> reconnectUntilMarker(TestBroker broker, String id, Mqtt5BlockingClient publisher)
            throws InterruptedException {
        Mqtt5BlockingClient c = broker.v5Unconnected(id);
        List<String> got = new ArrayList<>();
        try (var in = c.publishes(MqttGlobalPublishFilter.ALL)) {
            assertThat(c.connectWith().cleanStart(false).sessionExpiryInterval(600).send().isSessionPresent()).isTrue();
            publisher.publishWith().topic("marker").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("marker")).send();
            String last;
            do {
                last = text(in.receive(15, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes());
                got.add(last);
            } while (!last.equals("marker"));
        }
        return got;
    }

    @ParameterizedTest
    @EnumSource(SharedSubscriptionPolicy.class)
    void eachPolicyGivesEveryMessageToExactlyOneOnlineMemberAndNoneToAnOfflineOne(SharedSubscriptionPolicy policy)
            throws Exception {
        try (TestBroker broker = brokerWith(policy)) {
            offlineMember(broker, "sleeper");
            Mqtt5BlockingClient a = broker.v5("member-a");
            Mqtt5BlockingClient b = broker.v5("member-b");
            Mqtt5BlockingClient publisher = broker.v5("publisher");
            int n = 30;
            List<String> got = new ArrayList<>();
            try (var inA = a.publishes(MqttGlobalPublishFilter.ALL); var inB = b.publishes(MqttGlobalPublishFilter.ALL)) {
                a.subscribeWith().topicFilter("$share/g/work").qos(MqttQos.AT_LEAST_ONCE).send();
                b.subscribeWith().topicFilter("$share/g/work").qos(MqttQos.AT_LEAST_ONCE).send();
                for (int i = 0; i < n; i++) {
                    publisher.publishWith().topic("work").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("w" + i)).send();
                }
                Await.until("the online members got every message", () -> {
                    try {
                        inA.receive(10, TimeUnit.MILLISECONDS).ifPresent(p -> got.add(text(p.getPayloadAsBytes())));
                        inB.receive(10, TimeUnit.MILLISECONDS).ifPresent(p -> got.add(text(p.getPayloadAsBytes())));
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                    return got.size() >= n;
                });
            }
            assertThat(got).hasSize(n).doesNotHaveDuplicates();
            // The offline member's queue holds none of them: the first thing it gets is the marker.
            assertThat(reconnectUntilMarker(broker, "sleeper", publisher)).containsExactly("marker");
        }
    }

    @ParameterizedTest
    @EnumSource(SharedSubscriptionPolicy.class)
    void eachPolicyQueuesForAnOfflineMemberWhenNoMemberIsOnline(SharedSubscriptionPolicy policy) throws Exception {
        try (TestBroker broker = brokerWith(policy)) {
            offlineMember(broker, "sleeper");
            Mqtt5BlockingClient publisher = broker.v5("publisher");
            for (int i = 0; i < 5; i++) {
                publisher.publishWith().topic("work").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("w" + i)).send();
            }
            assertThat(reconnectUntilMarker(broker, "sleeper", publisher))
                    .containsExactly("w0", "w1", "w2", "w3", "w4", "marker");
        }
    }

    /** Gives client "local-publisher" the local_only policy for its publishes. */
    static final class LocalOnlyPublisher implements Plugin {
        @Override
        public void start(PluginContext context) {
            for (ChainHook<RegisterContext, RegisterModifiers> h : List.of(Hooks.AUTH_ON_REGISTER, Hooks.AUTH_ON_REGISTER_M5)) {
                context.hooks().register(h, rc -> rc.clientId().equals("local-publisher")
                        ? Verdict.ok(RegisterModifiers.builder()
                                .sharedSubscriptionPolicy(SharedSubscriptionPolicy.LOCAL_ONLY).build())
                        : Verdict.ok());
            }
        }
    }

    @Test
    void aPublisherWithThePolicyModifierIsAdmittedAndItsMessagesReachTheGroup() throws Exception {
        try (TestBroker broker = brokerWith(SharedSubscriptionPolicy.RANDOM, new LocalOnlyPublisher())) {
            Mqtt5BlockingClient member = broker.v5("member");
            Mqtt5BlockingClient publisher = broker.v5("local-publisher");
            try (var in = member.publishes(MqttGlobalPublishFilter.ALL)) {
                member.subscribeWith().topicFilter("$share/g/work").qos(MqttQos.AT_LEAST_ONCE).send();
                publisher.publishWith().topic("work").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("local")).send();
                assertThat(text(in.receive(15, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes())).isEqualTo("local");
            }
        }
    }
}
