package io.polyhook.it;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAck;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import io.polyhook.broker.config.NoMatch;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.ChainHook;
import io.polyhook.spi.DeliverModifiers;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.Plugin;
import io.polyhook.spi.PluginContext;
import io.polyhook.spi.PublishContext;
import io.polyhook.spi.PublishModifiers;
import io.polyhook.spi.RegisterContext;
import io.polyhook.spi.RegisterModifiers;
import io.polyhook.spi.SubscribeContext;
import io.polyhook.spi.SubscribeModifiers;
import io.polyhook.spi.TopicSubscription;
import io.polyhook.spi.Verdict;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static io.polyhook.it.PublishSubscribeTest.bytes;
import static io.polyhook.it.PublishSubscribeTest.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A Java plugin registered through the embedding API decides and rewrites. */
class JavaPluginHooksTest {

    /** Denies user mallory, denies forbidden/#, rewrites rewrite/me, rejects secret/#, shouts on "shout". */
    static final class PolicyPlugin implements Plugin {
        volatile boolean ranOnVirtualThread = true;

        @Override
        public void start(PluginContext context) {
            for (ChainHook<RegisterContext, RegisterModifiers> h : List.of(Hooks.AUTH_ON_REGISTER, Hooks.AUTH_ON_REGISTER_M5)) {
                context.hooks().register(h, rc -> {
                    ranOnVirtualThread &= Thread.currentThread().isVirtual();
                    return rc.username().filter("mallory"::equals).isPresent() ? Verdict.deny() : Verdict.ok();
                });
            }
            for (ChainHook<PublishContext, PublishModifiers> h : List.of(Hooks.AUTH_ON_PUBLISH, Hooks.AUTH_ON_PUBLISH_M5)) {
                context.hooks().register(h, pc -> {
                    ranOnVirtualThread &= Thread.currentThread().isVirtual();
                    if (pc.topic().startsWith("forbidden/")) {
                        return Verdict.deny();
                    }
                    if (pc.topic().equals("rewrite/me")) {
                        return Verdict.ok(PublishModifiers.builder().topic("rewritten").build());
                    }
                    return Verdict.next();
                });
            }
            for (ChainHook<SubscribeContext, SubscribeModifiers> h : List.of(Hooks.AUTH_ON_SUBSCRIBE, Hooks.AUTH_ON_SUBSCRIBE_M5)) {
                context.hooks().register(h, sc -> Verdict.ok(new SubscribeModifiers(sc.topics().stream()
                        .map(t -> t.filter().startsWith("secret/") ? TopicSubscription.rejected(t.filter()) : t)
                        .toList())));
            }
            context.hooks().register(Hooks.ON_DELIVER_M5, pc -> pc.topic().equals("shout")
                    ? Verdict.ok(DeliverModifiers.builder()
                    .payload(Bytes.utf8(pc.payload().toUtf8String().toUpperCase(Locale.ROOT))).build())
                    : Verdict.next());
        }
    }

    private final PolicyPlugin plugin = new PolicyPlugin();
    private TestBroker broker;

    @BeforeEach
    void start() {
        // The publish policy says next for topics it has no rule for: no_match: allow lets them through.
        broker = TestBroker.configured(TestBroker.broker(b -> b.withAllowAnonymous(false).withNoMatch(NoMatch.ALLOW)), plugin);
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    @Test
    void deniedMqtt5ConnectGetsBadUsernameOrPassword() {
        Mqtt5BlockingClient c = broker.v5Builder("m5").simpleAuth().username("mallory").password(bytes("pw")).applySimpleAuth()
                .buildBlocking();
        assertThatThrownBy(c::connect).isInstanceOfSatisfying(Mqtt5ConnAckException.class, e ->
                assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD));
    }

    @Test
    void deniedMqtt311ConnectGetsBadUsernameOrPassword() {
        Mqtt3BlockingClient c = broker.v3Unconnected("m3");
        assertThatThrownBy(() -> c.connectWith().simpleAuth().username("mallory").password(bytes("pw")).applySimpleAuth().send())
                .isInstanceOfSatisfying(Mqtt3ConnAckException.class, e ->
                        assertThat(e.getMqttMessage().getReturnCode()).isEqualTo(Mqtt3ConnAckReturnCode.BAD_USER_NAME_OR_PASSWORD));
    }

    @Test
    void admittedClientConnectsAndHandlersRunOnVirtualThreads() {
        Mqtt5BlockingClient c = broker.v5Builder("alice").simpleAuth().username("alice").applySimpleAuth().buildBlocking();
        broker.track(c);
        c.connect();
        c.publishWith().topic("plain").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("x")).send();
        assertThat(plugin.ranOnVirtualThread).isTrue();
    }

    @Test
    void deniedMqtt5PublishGetsPubAckNotAuthorized() {
        Mqtt5BlockingClient c = connected("alice");
        Mqtt5PubAckReasonCode code;
        try {
            Mqtt5PublishResult r = c.publishWith().topic("forbidden/x").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("no")).send();
            code = ((Mqtt5PublishResult.Mqtt5Qos1Result) r).getPubAck().getReasonCode();
        } catch (Mqtt5PubAckException e) {
            code = e.getMqttMessage().getReasonCode();
        }
        assertThat(code).isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED);
    }

    @Test
    void deniedPublishIsNotRouted() throws Exception {
        Mqtt5BlockingClient sub = connected("sub");
        Mqtt5BlockingClient pub = connected("pub");
        try (var in = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.subscribeWith().topicFilter("#").qos(MqttQos.AT_LEAST_ONCE).send();
            pub.publishWith().topic("forbidden/x").qos(MqttQos.AT_MOST_ONCE).payload(bytes("no")).send();
            pub.publishWith().topic("allowed").qos(MqttQos.AT_MOST_ONCE).payload(bytes("yes")).send();
            assertThat(in.receive(10, TimeUnit.SECONDS).orElseThrow().getTopic().toString()).isEqualTo("allowed");
        }
    }

    @Test
    void publishTopicIsRewrittenByTheHook() throws Exception {
        Mqtt5BlockingClient sub = connected("sub");
        try (var in = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.subscribeWith().topicFilter("rewritten").qos(MqttQos.AT_LEAST_ONCE).send();
            connected("pub").publishWith().topic("rewrite/me").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("moved")).send();
            var got = in.receive(10, TimeUnit.SECONDS).orElseThrow();
            assertThat(got.getTopic().toString()).isEqualTo("rewritten");
            assertThat(text(got.getPayloadAsBytes())).isEqualTo("moved");
        }
    }

    @Test
    void oneFilterOfASubscribeIsRejectedWithQos128() {
        Mqtt5BlockingClient c = connected("sub");
        List<Mqtt5SubAckReasonCode> codes;
        try {
            Mqtt5SubAck ack = c.subscribeWith()
                    .addSubscription().topicFilter("open/#").qos(MqttQos.AT_LEAST_ONCE).applySubscription()
                    .addSubscription().topicFilter("secret/#").qos(MqttQos.AT_LEAST_ONCE).applySubscription()
                    .send();
            codes = ack.getReasonCodes();
        } catch (Mqtt5SubAckException e) {
            // The HiveMQ client reports a SUBACK with any failure code as an exception.
            codes = e.getMqttMessage().getReasonCodes();
        }
        assertThat(codes).containsExactly(Mqtt5SubAckReasonCode.GRANTED_QOS_1, Mqtt5SubAckReasonCode.NOT_AUTHORIZED);
        assertThat(broker.broker.subscriptionCount("")).isEqualTo(1);
    }

    @Test
    void onDeliverRewritesThePayloadForTheSubscriber() throws Exception {
        Mqtt5BlockingClient sub = connected("sub");
        try (var in = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.subscribeWith().topicFilter("shout").qos(MqttQos.AT_LEAST_ONCE).send();
            connected("pub").publishWith().topic("shout").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("hello")).send();
            assertThat(text(in.receive(10, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes())).isEqualTo("HELLO");
        }
    }

    private Mqtt5BlockingClient connected(String user) {
        Mqtt5BlockingClient c = broker.v5Builder(user).simpleAuth().username(user).applySimpleAuth().buildBlocking();
        broker.track(c);
        c.connect();
        return c;
    }
}
