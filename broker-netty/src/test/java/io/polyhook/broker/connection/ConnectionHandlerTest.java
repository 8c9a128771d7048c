package io.polyhook.broker.connection;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.polyhook.broker.config.BrokerSettings;
import io.polyhook.broker.config.ListenerConfig;
import io.polyhook.broker.config.NoMatch;
import io.polyhook.broker.routing.RetainedStore;
import io.polyhook.broker.session.SessionRegistry;
import io.polyhook.broker.routing.SubscriptionTree;
import io.polyhook.core.hook.HandlerOrigin;
import io.polyhook.core.hook.internal.DispatchSettings;
import io.polyhook.core.hook.internal.HookDispatcher;
import io.polyhook.core.hook.internal.HookRegistry;
import io.polyhook.spi.HookRegistrar;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.Verdict;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The protocol handler on an {@link EmbeddedChannel}: decoded packets in, packet objects out. */
class ConnectionHandlerTest {

    private final HookRegistry hooks = new HookRegistry();
    // Anonymous clients; no_match unset: a hook with handlers that all say next denies.
    private final EmbeddedCore core = new EmbeddedCore(BrokerSettings.DEFAULT.withAllowAnonymous(true)
            .withNoMatch(NoMatch.DENY_WHEN_HANDLED), hooks, null);
    private final SessionRegistry sessions = core.sessions;
    private final HookRegistrar registrar = hooks.registrar(HandlerOrigin.plugin("test"), 0);

    @AfterEach
    void tearDown() {
        core.close();
    }

    private EmbeddedChannel channel() {
        return core.channel();
    }

    private static MqttMessage connect(String clientId, MqttVersion version) {
        return MqttMessageBuilders.connect().clientId(clientId).protocolVersion(version).cleanSession(true).build();
    }

    private static MqttPublishMessage publish(String topic, int qos, int id, String payload) {
        return MqttMessageBuilders.publish().topicName(topic).qos(MqttQoS.valueOf(qos)).messageId(id)
                .payload(Unpooled.copiedBuffer(payload, StandardCharsets.UTF_8)).build();
    }

    /**
     * Runs the event loop's tasks until {@code n} outbound packets are there: hooks answer on
     * their own threads, and the test thread waits for each answer to be handed back (at most
     * 15 s for each), without sleeping.
     */
    private List<Object> outbound(EmbeddedChannel ch, int n) throws InterruptedException {
        return core.outbound(ch, n);
    }

    @Test
    void connectIsAcceptedWithConnAck() throws Exception {
        EmbeddedChannel ch = channel();
        ch.writeInbound(connect("c1", MqttVersion.MQTT_3_1_1));
        List<Object> out = outbound(ch, 1);
        assertThat(out).hasSize(1);
        assertThat(((MqttConnAckMessage) out.get(0)).variableHeader().connectReturnCode())
                .isEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);
        assertThat(sessions.size()).isEqualTo(1);
    }

    @Test
    void packetsWaitBehindAPendingVerdictAndComeOutInOrder() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        registrar.register(Hooks.AUTH_ON_PUBLISH, pc -> {
            release.await(10, TimeUnit.SECONDS);
            return Verdict.ok();
        });
        EmbeddedChannel ch = channel();
        ch.writeInbound(connect("c1", MqttVersion.MQTT_3_1_1));
        outbound(ch, 1);
        ch.writeInbound(publish("a", 1, 7, "x"));
        ch.writeInbound(MqttMessage.PINGREQ);
        ch.runPendingTasks();
        // The PINGREQ must not overtake the PUBLISH whose verdict is pending.
        assertThat(ch.<Object>readOutbound()).isNull();
        release.countDown();
        List<Object> out = outbound(ch, 2);
        assertThat(out).extracting(o -> ((MqttMessage) o).fixedHeader().messageType())
                .containsExactly(MqttMessageType.PUBACK, MqttMessageType.PINGRESP);
        assertThat(((MqttMessageIdVariableHeader) ((MqttMessage) out.get(0)).variableHeader()).messageId()).isEqualTo(7);
    }

    @Test
    void laterPublishesReachTheLaneWhileAnEarlierVerdictIsPending() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch allCalled = new CountDownLatch(3);
        registrar.register(Hooks.AUTH_ON_PUBLISH, pc -> {
            release.await(10, TimeUnit.SECONDS);
            allCalled.countDown();
            return Verdict.ok();
        });
        EmbeddedChannel ch = channel();
        ch.writeInbound(connect("c1", MqttVersion.MQTT_3_1_1));
        outbound(ch, 1);
        ch.writeInbound(publish("a", 1, 1, "x"), publish("a", 1, 2, "x"), publish("a", 1, 3, "x"));
        release.countDown();
        // No event loop turn in between: the second and third calls were submitted at read time.
        assertThat(allCalled.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(outbound(ch, 3)).extracting(o -> ((MqttMessageIdVariableHeader) ((MqttMessage) o).variableHeader()).messageId())
                .containsExactly(1, 2, 3);
    }

    @Test
    void pipelinedVerdictsAreAppliedInArrivalOrderWhateverEachOneSays() throws Exception {
        registrar.register(Hooks.AUTH_ON_PUBLISH_M5, pc -> pc.topic().startsWith("deny")
                ? Verdict.deny(io.polyhook.spi.ReasonCode.of(0x97)) : Verdict.ok());
        EmbeddedChannel sub = channel();
        sub.writeInbound(connect("sub", MqttVersion.MQTT_5));
        outbound(sub, 1);
        sub.writeInbound(MqttMessageBuilders.subscribe().messageId(1).addSubscription(MqttQoS.AT_MOST_ONCE, "#").build());
        outbound(sub, 1);
        EmbeddedChannel pub = channel();
        pub.writeInbound(connect("pub", MqttVersion.MQTT_5));
        outbound(pub, 1);
        for (int i = 1; i <= 6; i++) {
            pub.writeInbound(publish((i % 3 == 0 ? "deny/" : "ok/") + i, 1, i, "m" + i));
        }
        List<Object> acks = outbound(pub, 6);
        assertThat(acks).extracting(o -> ((MqttMessageIdVariableHeader) ((MqttMessage) o).variableHeader()).messageId())
                .containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(acks).extracting(o -> ((io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader)
                ((MqttMessage) o).variableHeader()).reasonCode() & 0xFF).containsExactly(0, 0, 0x97, 0, 0, 0x97);
        List<Object> delivered = outbound(sub, 4);
        try {
            assertThat(delivered).extracting(o -> ((MqttPublishMessage) o).variableHeader().topicName())
                    .containsExactly("ok/1", "ok/2", "ok/4", "ok/5");
        } finally {
            delivered.forEach(io.netty.util.ReferenceCountUtil::release);
        }
    }

    @Test
    void aBadPublishClosesTheConnectionOnlyAfterTheEarlierOnesAreAnswered() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        registrar.register(Hooks.AUTH_ON_PUBLISH_M5, pc -> {
            release.await(10, TimeUnit.SECONDS);
            return Verdict.ok();
        });
        EmbeddedChannel ch = channel();
        ch.writeInbound(connect("c1", MqttVersion.MQTT_5));
        outbound(ch, 1);
        ch.writeInbound(publish("a", 1, 1, "x"), publish("a/+", 1, 2, "x"), MqttMessage.PINGREQ);
        ch.runPendingTasks();
        assertThat(ch.isOpen()).isTrue();
        release.countDown();
        List<Object> out = outbound(ch, 2);
        assertThat(out).extracting(o -> ((MqttMessage) o).fixedHeader().messageType())
                .containsExactly(MqttMessageType.PUBACK, MqttMessageType.DISCONNECT);
        assertThat(((io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader) ((MqttMessage) out.get(1))
                .variableHeader()).reasonCode() & 0xFF).isEqualTo(0x90);
        ch.runPendingTasks();
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void aVerdictThatArrivesAfterTheConnectionClosedStillRoutesTheMessage() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        registrar.register(Hooks.AUTH_ON_PUBLISH, pc -> {
            if (pc.clientId().equals("pub")) {
                release.await(10, TimeUnit.SECONDS);
            }
            return Verdict.ok();
        });
        EmbeddedChannel sub = channel();
        sub.writeInbound(connect("sub", MqttVersion.MQTT_3_1_1));
        outbound(sub, 1);
        sub.writeInbound(MqttMessageBuilders.subscribe().messageId(1).addSubscription(MqttQoS.AT_MOST_ONCE, "#").build());
        outbound(sub, 1);
        EmbeddedChannel pub = channel();
        pub.writeInbound(connect("pub", MqttVersion.MQTT_3_1_1));
        outbound(pub, 1);
        pub.writeInbound(publish("last/words", 0, 0, "bye"));
        pub.close();
        release.countDown();
        // The verdict is handed back to the closed publisher's connection, which routes it to sub.
        List<Object> delivered = outbound(sub, 1);
        try {
            assertThat(delivered).extracting(o -> ((MqttPublishMessage) o).variableHeader().topicName())
                    .containsExactly("last/words");
        } finally {
            delivered.forEach(io.netty.util.ReferenceCountUtil::release);
        }
    }

    @Test
    void readingPausesOnlyPastTheHighWaterMarkAndResumesWhenDrained() throws Exception {
        BrokerSettings small = new BrokerSettings(true, NoMatch.ALLOW, java.time.Duration.ofSeconds(10), 1024 * 1024, 100, 32, 4);
        EmbeddedCore smallCore = new EmbeddedCore(small, hooks, null);
        CountDownLatch release = new CountDownLatch(1);
        registrar.register(Hooks.AUTH_ON_PUBLISH, pc -> {
            release.await(10, TimeUnit.SECONDS);
            return Verdict.ok();
        });
        EmbeddedChannel ch = smallCore.channel();
        ch.writeInbound(connect("c1", MqttVersion.MQTT_3_1_1));
        smallCore.outbound(ch, 1);
        ch.writeInbound(publish("a", 0, 0, "first"));
        for (int i = 0; i < 4; i++) {
            ch.writeInbound(MqttMessage.PINGREQ);
        }
        assertThat(ch.config().isAutoRead()).isTrue();
        ch.writeInbound(MqttMessage.PINGREQ);
        assertThat(ch.config().isAutoRead()).isFalse();
        release.countDown();
        assertThat(smallCore.outbound(ch, 5)).hasSize(5);
        assertThat(ch.config().isAutoRead()).isTrue();
        smallCore.close();
    }

    @Test
    void subscriberReceivesAPublishOfAnotherClient() throws Exception {
        EmbeddedChannel sub = channel();
        sub.writeInbound(connect("sub", MqttVersion.MQTT_3_1_1));
        outbound(sub, 1);
        sub.writeInbound(MqttMessageBuilders.subscribe().messageId(1).addSubscription(MqttQoS.AT_LEAST_ONCE, "t/#").build());
        assertThat(((MqttSubAckMessage) outbound(sub, 1).get(0)).payload().grantedQoSLevels()).containsExactly(1);
        EmbeddedChannel pub = channel();
        pub.writeInbound(connect("pub", MqttVersion.MQTT_3_1_1));
        outbound(pub, 1);
        pub.writeInbound(publish("t/1", 1, 3, "hello"));
        List<Object> got = outbound(sub, 1);
        assertThat(got).hasSize(1);
        MqttPublishMessage p = (MqttPublishMessage) got.get(0);
        try {
            assertThat(p.variableHeader().topicName()).isEqualTo("t/1");
            assertThat(p.payload().toString(StandardCharsets.UTF_8)).isEqualTo("hello");
            assertThat(p.fixedHeader().qosLevel()).isEqualTo(MqttQoS.AT_LEAST_ONCE);
        } finally {
            p.release();
        }
    }

    @Test
    void qos2PublishIsRoutedOnceEvenWhenResent() throws Exception {
        EmbeddedChannel sub = channel();
        sub.writeInbound(connect("sub", MqttVersion.MQTT_3_1_1));
        outbound(sub, 1);
        sub.writeInbound(MqttMessageBuilders.subscribe().messageId(1).addSubscription(MqttQoS.AT_MOST_ONCE, "q2").build());
        outbound(sub, 1);
        EmbeddedChannel pub = channel();
        pub.writeInbound(connect("pub", MqttVersion.MQTT_3_1_1));
        outbound(pub, 1);
        pub.writeInbound(publish("q2", 2, 9, "once"));
        pub.writeInbound(publish("q2", 2, 9, "once"));
        List<Object> acks = outbound(pub, 2);
        assertThat(acks).extracting(o -> ((MqttMessage) o).fixedHeader().messageType())
                .containsExactly(MqttMessageType.PUBREC, MqttMessageType.PUBREC);
        List<Object> delivered = outbound(sub, 1);
        sub.runPendingTasks();
        assertThat(sub.<Object>readOutbound()).isNull();
        delivered.forEach(io.netty.util.ReferenceCountUtil::release);
        assertThat(delivered).hasSize(1);
    }

    private static MqttMessage persistentConnect(String clientId) {
        return MqttMessageBuilders.connect().clientId(clientId).protocolVersion(MqttVersion.MQTT_3_1_1)
                .cleanSession(false).build();
    }

    /** A persistent subscriber to {@code filter} at QoS {@code qos}, and a publisher that sends it one message. */
    private EmbeddedChannel subscribedAndPublishedTo(String filter, int qos) throws Exception {
        EmbeddedChannel sub = channel();
        sub.writeInbound(persistentConnect("durable"));
        outbound(sub, 1);
        sub.writeInbound(MqttMessageBuilders.subscribe().messageId(1).addSubscription(MqttQoS.valueOf(qos), filter).build());
        outbound(sub, 1);
        EmbeddedChannel pub = channel();
        pub.writeInbound(connect("pub", MqttVersion.MQTT_3_1_1));
        outbound(pub, 1);
        pub.writeInbound(publish(filter, qos, 1, "m"));
        return sub;
    }

    @Test
    void unacknowledgedQos1MessageIsResentWithDupAndTheSamePacketIdAfterReconnect() throws Exception {
        EmbeddedChannel sub = subscribedAndPublishedTo("r1", 1);
        MqttPublishMessage first = (MqttPublishMessage) outbound(sub, 1).get(0);
        int id = first.variableHeader().packetId();
        first.release();
        sub.close();
        EmbeddedChannel again = channel();
        again.writeInbound(persistentConnect("durable"));
        List<Object> out = outbound(again, 2);
        assertThat(((MqttConnAckMessage) out.get(0)).variableHeader().isSessionPresent()).isTrue();
        MqttPublishMessage resent = (MqttPublishMessage) out.get(1);
        try {
            assertThat(resent.fixedHeader().isDup()).isTrue();
            assertThat(resent.variableHeader().packetId()).isEqualTo(id);
        } finally {
            resent.release();
        }
    }

    @Test
    void releasedQos2MessageOnlyGetsItsPubRelAgainAfterReconnect() throws Exception {
        EmbeddedChannel sub = subscribedAndPublishedTo("r2", 2);
        MqttPublishMessage first = (MqttPublishMessage) outbound(sub, 1).get(0);
        int id = first.variableHeader().packetId();
        first.release();
        sub.writeInbound(new MqttMessage(new MqttFixedHeader(MqttMessageType.PUBREC, false, MqttQoS.AT_MOST_ONCE, false, 0),
                MqttMessageIdVariableHeader.from(id)));
        assertThat(((MqttMessage) outbound(sub, 1).get(0)).fixedHeader().messageType()).isEqualTo(MqttMessageType.PUBREL);
        sub.close();
        EmbeddedChannel again = channel();
        again.writeInbound(persistentConnect("durable"));
        List<Object> out = outbound(again, 2);
        MqttMessage rel = (MqttMessage) out.get(1);
        assertThat(rel.fixedHeader().messageType()).isEqualTo(MqttMessageType.PUBREL);
        assertThat(((MqttMessageIdVariableHeader) rel.variableHeader()).messageId()).isEqualTo(id);
    }

    @Test
    void silentClientIsClosedAfterOneAndAHalfKeepAliveIntervals() throws Exception {
        EmbeddedChannel ch = channel();
        ch.writeInbound(MqttMessageBuilders.connect().clientId("quiet").protocolVersion(MqttVersion.MQTT_3_1_1)
                .cleanSession(true).keepAlive(10).build());
        outbound(ch, 1);
        ch.advanceTimeBy(14, TimeUnit.SECONDS);
        ch.runPendingTasks();
        assertThat(ch.isOpen()).isTrue();
        ch.advanceTimeBy(2, TimeUnit.SECONDS);
        ch.runPendingTasks();
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void malformedPacketClosesTheConnection() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(new MqttMessage(new MqttFixedHeader(MqttMessageType.CONNECT, false, MqttQoS.AT_MOST_ONCE, false, 0),
                null, null, DecoderResult.failure(new io.netty.handler.codec.DecoderException("bad"))));
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void secondConnectIsAProtocolErrorThatCloses() throws Exception {
        EmbeddedChannel ch = channel();
        ch.writeInbound(connect("c1", MqttVersion.MQTT_3_1_1));
        outbound(ch, 1);
        ch.writeInbound(connect("c1", MqttVersion.MQTT_3_1_1));
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void mqtt311EmptyClientIdWithoutCleanSessionIsRejected() throws Exception {
        EmbeddedChannel ch = channel();
        ch.writeInbound(MqttMessageBuilders.connect().clientId("").protocolVersion(MqttVersion.MQTT_3_1_1)
                .cleanSession(false).build());
        List<Object> out = outbound(ch, 1);
        assertThat(((MqttConnAckMessage) out.get(0)).variableHeader().connectReturnCode())
                .isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED);
        ch.runPendingTasks();
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void packetBeforeConnectCloses() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(MqttMessage.PINGREQ);
        assertThat(ch.isOpen()).isFalse();
    }
}
