package io.polyhook.it;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.polyhook.broker.config.NoMatch;
import io.polyhook.broker.config.ListenerConfig;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.Plugin;
import io.polyhook.spi.PluginContext;
import io.polyhook.spi.RegisterModifiers;
import io.polyhook.spi.SubscriberId;
import io.polyhook.spi.Verdict;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.polyhook.it.PublishSubscribeTest.bytes;
import static io.polyhook.it.PublishSubscribeTest.text;
import static org.assertj.core.api.Assertions.assertThat;

class OrderingAndMountpointTest {

    @Test
    void packetsQueueBehindAPendingVerdictAndKeepTheirOrder() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Plugin slowFirst = new Plugin() {
            @Override
            public void start(PluginContext context) {
                context.hooks().register(Hooks.AUTH_ON_PUBLISH_M5, pc -> {
                    if (pc.payload().toUtf8String().equals("0")) {
                        // Holds the first verdict until the test lets it go; later packets must wait behind it.
                        release.await(10, TimeUnit.SECONDS);
                    }
                    return Verdict.next();
                });
            }
        };
        // The handler only delays and never decides: no_match: allow lets the publishes through.
        try (TestBroker broker = TestBroker.configured(TestBroker.broker(b -> b.withNoMatch(NoMatch.ALLOW)), slowFirst)) {
            Mqtt5BlockingClient sub = broker.v5("sub");
            Mqtt5BlockingClient pub = broker.v5("pub");
            try (var in = sub.publishes(MqttGlobalPublishFilter.ALL)) {
                sub.subscribeWith().topicFilter("o").qos(MqttQos.AT_LEAST_ONCE).send();
                for (int i = 0; i < 50; i++) {
                    pub.toAsync().publishWith().topic("o").qos(MqttQos.AT_MOST_ONCE).payload(bytes("" + i)).send();
                }
                // Another client is not held up by pub's pending verdict.
                Mqtt5BlockingClient other = broker.v5("other");
                other.publishWith().topic("o").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("other")).send();
                assertThat(text(in.receive(10, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes())).isEqualTo("other");
                release.countDown();
                for (int i = 0; i < 50; i++) {
                    assertThat(text(in.receive(10, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes())).isEqualTo("" + i);
                }
            }
        }
    }

    @Test
    void listenerMountpointsIsolateTopics() throws Exception {
        try (TestBroker broker = TestBroker.configured(c -> c.withListeners(List.of(
                ListenerConfig.of(ListenerConfig.Kind.TCP, "127.0.0.1", 0),
                ListenerConfig.of(ListenerConfig.Kind.TCP, "127.0.0.1", 0).withMountpoint("site1"))))) {
            int sitePort = broker.broker.listeners().get(1).port();
            Mqtt5BlockingClient plain = broker.v5("plain");
            Mqtt5BlockingClient site = com.hivemq.client.mqtt.MqttClient.builder().useMqttVersion5().identifier("site")
                    .serverHost("127.0.0.1").serverPort(sitePort).buildBlocking();
            site.connect();
            broker.track(site);
            try (var plainIn = plain.publishes(MqttGlobalPublishFilter.ALL); var siteIn = site.publishes(MqttGlobalPublishFilter.ALL)) {
                plain.subscribeWith().topicFilter("t").qos(MqttQos.AT_LEAST_ONCE).send();
                site.subscribeWith().topicFilter("t").qos(MqttQos.AT_LEAST_ONCE).send();
                site.publishWith().topic("t").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("in site1")).send();
                plain.publishWith().topic("t").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("in default")).send();
                assertThat(text(siteIn.receive(10, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes())).isEqualTo("in site1");
                assertThat(text(plainIn.receive(10, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes())).isEqualTo("in default");
            }
            assertThat(broker.broker.subscriptionCount("site1")).isEqualTo(1);
        }
    }

    @Test
    void subscriberIdModifierMovesTheClientIntoAnotherMountpoint() {
        Plugin tenant = new Plugin() {
            @Override
            public void start(PluginContext context) {
                context.hooks().register(Hooks.AUTH_ON_REGISTER_M5, rc -> Verdict.ok(RegisterModifiers.builder()
                        .subscriberId(new SubscriberId("tenant-" + rc.username().orElse("x"), rc.clientId())).build()));
            }
        };
        try (TestBroker broker = TestBroker.configured(TestBroker.broker(b -> b.withAllowAnonymous(false)), tenant)) {
            Mqtt5BlockingClient c = broker.v5Builder("c").simpleAuth().username("acme").applySimpleAuth().buildBlocking();
            broker.track(c);
            c.connect();
            c.subscribeWith().topicFilter("t").qos(MqttQos.AT_LEAST_ONCE).send();
            assertThat(broker.broker.subscriptionCount("tenant-acme")).isEqualTo(1);
            assertThat(broker.broker.subscriptionCount("")).isZero();
        }
    }
}
