package io.polyhook.broker.connection;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.polyhook.broker.config.BrokerSettings;
import io.polyhook.core.hook.ChainShortcut;
import io.polyhook.core.hook.HandlerOrigin;
import io.polyhook.core.hook.internal.HookRegistry;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.PublishContext;
import io.polyhook.spi.PublishModifiers;
import io.polyhook.spi.Verdict;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A PUBLISH and the authorization shortcut (the auth cache) when no script handles
 * {@code auth_on_publish}: while the shortcut has nothing to answer (an empty cache), it is not
 * asked and no hook context is built; once it may answer, it decides.
 */
class PublishShortcutTest {

    private final HookRegistry hooks = new HookRegistry();
    private final EmbeddedCore core = new EmbeddedCore(BrokerSettings.DEFAULT.withAllowAnonymous(true), hooks, null);
    private final CountingShortcut cache = new CountingShortcut();

    /** Allows everything once filled; empty until then. */
    private static final class CountingShortcut implements ChainShortcut<PublishContext, PublishModifiers> {
        final AtomicInteger asked = new AtomicInteger();
        volatile boolean filled;

        @Override
        public Verdict<PublishModifiers> answer(PublishContext context) {
            asked.incrementAndGet();
            return Verdict.ok();
        }

        @Override
        public boolean mayAnswer() {
            return filled;
        }
    }

    @AfterEach
    void tearDown() {
        core.close();
    }

    private EmbeddedChannel connected() {
        hooks.shortcut(HandlerOrigin.plugin("auth_cache"), Hooks.AUTH_ON_PUBLISH, cache);
        EmbeddedChannel ch = core.channel();
        ch.writeInbound(MqttMessageBuilders.connect().clientId("c").protocolVersion(MqttVersion.MQTT_3_1_1)
                .cleanSession(true).build());
        ch.runPendingTasks();
        assertThat(((MqttMessage) ch.readOutbound()).fixedHeader().messageType()).isEqualTo(MqttMessageType.CONNACK);
        return ch;
    }

    private static void publishAndAck(EmbeddedChannel ch, int id) {
        ch.writeInbound(MqttMessageBuilders.publish().topicName("t").qos(MqttQoS.AT_LEAST_ONCE).messageId(id)
                .payload(Unpooled.copiedBuffer("x", StandardCharsets.UTF_8)).build());
        ch.runPendingTasks();
        MqttMessage ack = ch.readOutbound();
        assertThat(ack.fixedHeader().messageType()).isEqualTo(MqttMessageType.PUBACK);
        assertThat(((MqttMessageIdVariableHeader) ack.variableHeader()).messageId()).isEqualTo(id);
    }

    @Test
    void anEmptyShortcutIsNotAskedAndThePublishGoesOn() {
        EmbeddedChannel ch = connected();

        publishAndAck(ch, 1);

        assertThat(cache.asked).hasValue(0);
    }

    @Test
    void aShortcutThatMayAnswerDecides() {
        EmbeddedChannel ch = connected();
        cache.filled = true;

        publishAndAck(ch, 2);

        assertThat(cache.asked).hasValue(1);
    }
}
