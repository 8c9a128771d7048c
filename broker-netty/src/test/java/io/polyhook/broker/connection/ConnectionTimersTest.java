package io.polyhook.broker.connection;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import io.polyhook.broker.config.BrokerSettings;
import io.polyhook.core.hook.HandlerOrigin;
import io.polyhook.core.hook.internal.HookRegistry;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.RegisterModifiers;
import io.polyhook.spi.RegisterModifiers.Limit;
import io.polyhook.spi.Verdict;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a connection does over time, on frozen time: one {@link MockTicker} drives every channel's
 * event loop and the connections' clock, and the register hook answers through a shortcut on the
 * event loop itself, so nothing here waits for a thread or a clock.
 */
class ConnectionTimersTest {

    private final MockTicker time = Ticker.newMockTicker();
    private final HookRegistry hooks = new HookRegistry();
    private final EmbeddedCore core = new EmbeddedCore(BrokerSettings.DEFAULT.withAllowAnonymous(false), hooks, time);
    // The register modifiers each client id gets from auth_on_register.
    private final Map<String, RegisterModifiers> modifiers = new ConcurrentHashMap<>();

    @BeforeEach
    void admitEveryClientWithItsModifiers() {
        HandlerOrigin origin = HandlerOrigin.plugin("test");
        hooks.shortcut(origin, Hooks.AUTH_ON_REGISTER, rc -> verdict(rc.clientId()));
        hooks.shortcut(origin, Hooks.AUTH_ON_REGISTER_M5, rc -> verdict(rc.clientId()));
    }

    private Verdict<RegisterModifiers> verdict(String clientId) {
        RegisterModifiers mods = modifiers.get(clientId);
        return mods == null ? Verdict.ok() : Verdict.ok(mods);
    }

    @AfterEach
    void tearDown() {
        core.close();
    }

    private EmbeddedChannel connect(String clientId, MqttVersion version) {
        EmbeddedChannel ch = core.channel();
        ch.writeInbound(MqttMessageBuilders.connect().clientId(clientId).protocolVersion(version).cleanSession(true)
                .build());
        List<Object> out = written(ch);
        assertThat(out).hasSize(1);
        assertThat(out.get(0)).isInstanceOf(MqttConnAckMessage.class);
        return ch;
    }

    /** Runs what is due and returns what the channel wrote since the last call. */
    private static List<Object> written(EmbeddedChannel ch) {
        ch.runPendingTasks();
        List<Object> out = new ArrayList<>();
        Object o;
        while ((o = ch.readOutbound()) != null) {
            out.add(o);
        }
        return out;
    }

    private void advance(long millis, EmbeddedChannel... channels) {
        time.advance(millis, TimeUnit.MILLISECONDS);
        for (EmbeddedChannel ch : channels) {
            ch.runScheduledPendingTasks();
            ch.runPendingTasks();
        }
    }

    private static MqttMessage publish(String topic, int qos, int id) {
        return MqttMessageBuilders.publish().topicName(topic).qos(MqttQoS.valueOf(qos)).messageId(id)
                .payload(Unpooled.copiedBuffer("m", StandardCharsets.UTF_8)).build();
    }

    @Test
    void maxConnectionLifetimeEndsTheConnectionWithDisconnectMaximumConnectTime() {
        modifiers.put("short-lived", RegisterModifiers.builder().limit(Limit.MAX_CONNECTION_LIFETIME, 30).build());
        EmbeddedChannel ch = connect("short-lived", MqttVersion.MQTT_5);

        advance(29_999, ch);
        assertThat(ch.isOpen()).isTrue();
        assertThat(written(ch)).isEmpty();

        advance(1, ch);
        List<Object> out = written(ch);
        assertThat(out).hasSize(1);
        MqttMessage disconnect = (MqttMessage) out.get(0);
        assertThat(disconnect.fixedHeader().messageType()).isEqualTo(MqttMessageType.DISCONNECT);
        assertThat(((MqttReasonCodeAndPropertiesVariableHeader) disconnect.variableHeader()).reasonCode() & 0xFF)
                .isEqualTo(0xA0);
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void maxMessageRatePausesReadingForTheRestOfTheSecond() {
        modifiers.put("chatty", RegisterModifiers.builder().limit(Limit.MAX_MESSAGE_RATE, 3).build());
        EmbeddedChannel ch = connect("chatty", MqttVersion.MQTT_3_1_1);
        advance(200, ch);

        ch.writeInbound(publish("t", 0, 0), publish("t", 0, 0));
        assertThat(ch.config().isAutoRead()).isTrue();
        ch.writeInbound(publish("t", 0, 0));
        assertThat(ch.config().isAutoRead()).as("the third publish of the second").isFalse();

        advance(999, ch);
        assertThat(ch.config().isAutoRead()).isFalse();
        advance(1, ch);
        assertThat(ch.config().isAutoRead()).isTrue();
    }

    /**
     * A subscriber that takes one QoS 1 message at a time (Receive Maximum 1), so that what is
     * published to it waits in its outgoing queue.
     */
    private EmbeddedChannel slowSubscriber() {
        EmbeddedChannel sub = core.channel();
        MqttProperties receiveOne = new MqttProperties();
        receiveOne.add(new MqttProperties.IntegerProperty(MqttProperties.RECEIVE_MAXIMUM, 1));
        sub.writeInbound(MqttMessageBuilders.connect().clientId("slow").protocolVersion(MqttVersion.MQTT_5)
                .cleanSession(true).properties(receiveOne).build());
        sub.writeInbound(MqttMessageBuilders.subscribe().messageId(1).addSubscription(MqttQoS.AT_LEAST_ONCE, "t")
                .build());
        written(sub).forEach(ReferenceCountUtil::release);
        return sub;
    }

    /** Publishes until the subscriber's queue passes its high-water mark (256 waiting, one in flight). */
    private static void congest(EmbeddedChannel pub) {
        for (int i = 1; i <= OutboundFlow.ONLINE_HIGH_WATER + 1; i++) {
            pub.writeInbound(publish("t", 1, i));
        }
        assertThat(pub.config().isAutoRead()).isTrue();
        pub.writeInbound(publish("t", 1, OutboundFlow.ONLINE_HIGH_WATER + 2));
    }

    @Test
    void aPublisherStalledByACongestedSubscriberReadsAgainAfterHalfASecond() {
        EmbeddedChannel sub = slowSubscriber();
        EmbeddedChannel pub = connect("fast", MqttVersion.MQTT_3_1_1);
        congest(pub);
        assertThat(pub.config().isAutoRead()).as("stalled by the congested subscriber").isFalse();

        advance(ReadGate.STALL_MILLIS - 1, pub, sub);
        assertThat(pub.config().isAutoRead()).isFalse();
        advance(1, pub, sub);
        assertThat(pub.config().isAutoRead()).isTrue();
        written(sub).forEach(ReferenceCountUtil::release);
        written(pub).forEach(ReferenceCountUtil::release);
    }

    @Test
    void aPublisherStalledByACongestedSubscriberReadsAgainOnceItDrains() {
        EmbeddedChannel sub = slowSubscriber();
        EmbeddedChannel pub = connect("fast", MqttVersion.MQTT_3_1_1);
        congest(pub);
        assertThat(pub.config().isAutoRead()).isFalse();

        int acknowledged = drain(sub, pub);
        assertThat(pub.config().isAutoRead()).isTrue();
        assertThat(acknowledged).isBetween(OutboundFlow.ONLINE_HIGH_WATER / 2, OutboundFlow.ONLINE_HIGH_WATER / 2 + 2);
        written(sub).forEach(ReferenceCountUtil::release);
        written(pub).forEach(ReferenceCountUtil::release);
    }

    @Test
    void aStallThatEndedByDrainingDoesNotCutTheNextStallShort() {
        EmbeddedChannel sub = slowSubscriber();
        EmbeddedChannel pub = connect("fast", MqttVersion.MQTT_3_1_1);
        congest(pub);
        drain(sub, pub);
        assertThat(pub.config().isAutoRead()).isTrue();

        advance(ReadGate.STALL_MILLIS - 100, pub, sub);
        for (int i = 1; pub.config().isAutoRead() && i <= OutboundFlow.ONLINE_HIGH_WATER * 2; i++) {
            pub.writeInbound(publish("t", 1, i));
        }
        assertThat(pub.config().isAutoRead()).as("stalled again").isFalse();
        // Where the first stall's timer would have gone off: the second stall is not its business.
        advance(100, pub, sub);
        assertThat(pub.config().isAutoRead()).as("100 ms into the second stall").isFalse();
        advance(ReadGate.STALL_MILLIS - 101, pub, sub);
        assertThat(pub.config().isAutoRead()).isFalse();
        advance(1, pub, sub);
        assertThat(pub.config().isAutoRead()).as("the second stall's own bound").isTrue();
        written(sub).forEach(ReferenceCountUtil::release);
        written(pub).forEach(ReferenceCountUtil::release);
    }

    @Test
    void aSubscriberThatStaysBehindStallsNoPublisherUntilItHasCaughtUp() {
        EmbeddedChannel sub = slowSubscriber();
        EmbeddedChannel pub = connect("fast", MqttVersion.MQTT_3_1_1);
        int full = BrokerSettings.DEFAULT.maxOnlineMessages();
        // One waits in the window, the queue fills, and the next ones drop its oldest: it sheds.
        for (int i = 0; i < full + OutboundFlow.ONLINE_HIGH_WATER; i++) {
            pub.writeInbound(publish("t", 1, i % 65_535 + 1));
        }
        pub.runPendingTasks();
        assertThat(pub.config().isAutoRead()).as("released at the first drop, not by the stall bound").isTrue();
        for (int i = 0; i < 1_000; i++) {
            pub.writeInbound(publish("t", 1, i + 1));
        }
        pub.runPendingTasks();
        assertThat(pub.config().isAutoRead()).as("a shedding subscriber pauses no one").isTrue();
        written(pub).forEach(ReferenceCountUtil::release);

        // Caught up to half the high-water mark: publishers are paused by it again.
        acknowledge(sub, pub, acknowledged -> full - acknowledged > OutboundFlow.ONLINE_HIGH_WATER / 2);
        for (int i = 0; pub.config().isAutoRead() && i < OutboundFlow.ONLINE_HIGH_WATER; i++) {
            pub.writeInbound(publish("t", 1, i + 1));
        }
        assertThat(pub.config().isAutoRead()).as("congested again").isFalse();
        written(sub).forEach(ReferenceCountUtil::release);
        written(pub).forEach(ReferenceCountUtil::release);
    }

    @Test
    void aSubscriberThatNeverDropsStopsPausingItsPublishersOnceItsPauseBudgetIsSpent() {
        EmbeddedChannel sub = slowSubscriber();
        EmbeddedChannel pub = connect("fast", MqttVersion.MQTT_3_1_1);
        congest(pub);
        // It reads nothing and its queue stays far from full: each stall ends by its bound, and the
        // publisher's next message stalls it again, for as long as the budget lasts (10.05 s congested).
        long budgetMillis = TimeUnit.NANOSECONDS.toMillis(2 * PublisherPause.BUDGET_NANOS + PublisherPause.GRACE_NANOS);
        int id = OutboundFlow.ONLINE_HIGH_WATER + 3;
        for (long t = ReadGate.STALL_MILLIS; t < budgetMillis; t += ReadGate.STALL_MILLIS) {
            advance(ReadGate.STALL_MILLIS, pub, sub);
            assertThat(pub.config().isAutoRead()).as("the stall's bound at %d ms", t).isTrue();
            pub.writeInbound(publish("t", 1, id++));
            assertThat(pub.config().isAutoRead()).as("stalled again at %d ms", t).isFalse();
        }
        advance(ReadGate.STALL_MILLIS, pub, sub);
        pub.writeInbound(publish("t", 1, id++));
        pub.runPendingTasks();
        assertThat(pub.config().isAutoRead()).as("budget spent: it pauses no one").isTrue();
        for (int i = 0; i < 100; i++) {
            pub.writeInbound(publish("t", 1, id++));
        }
        pub.runPendingTasks();
        assertThat(pub.config().isAutoRead()).isTrue();
        written(sub).forEach(ReferenceCountUtil::release);
        written(pub).forEach(ReferenceCountUtil::release);
    }

    /**
     * The subscriber acknowledges each message it gets until the publisher reads again (at half
     * the high-water mark); returns how many it acknowledged.
     */
    private int drain(EmbeddedChannel sub, EmbeddedChannel pub) {
        return acknowledge(sub, pub,
                acknowledged -> !pub.config().isAutoRead() && acknowledged < OutboundFlow.ONLINE_HIGH_WATER);
    }

    /**
     * The subscriber acknowledges each message it gets (one at a time, its Receive Maximum) while
     * {@code more} holds for the count so far; returns the count.
     */
    private int acknowledge(EmbeddedChannel sub, EmbeddedChannel pub, IntPredicate more) {
        int acknowledged = 0;
        while (more.test(acknowledged)) {
            List<Object> sent = written(sub);
            assertThat(sent).as("the next message once the last is acknowledged").isNotEmpty();
            for (Object o : sent) {
                int id = ((io.netty.handler.codec.mqtt.MqttPublishMessage) o).variableHeader().packetId();
                ReferenceCountUtil.release(o);
                sub.writeInbound(MqttMessageBuilders.pubAck().packetId(id).build());
                acknowledged++;
            }
            pub.runPendingTasks();
        }
        return acknowledged;
    }
}
