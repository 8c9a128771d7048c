package io.polyhook.broker.transport;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class ConnectTimeoutHandlerTest {

    @Test
    void closesAConnectionThatNeverSendsConnect() {
        EmbeddedChannel ch = new EmbeddedChannel(new ConnectTimeoutHandler(Duration.ofSeconds(10)));
        ch.advanceTimeBy(11, TimeUnit.SECONDS);
        ch.runPendingTasks();
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void connectCancelsTheTimerAndRemovesTheHandler() {
        ConnectTimeoutHandler handler = new ConnectTimeoutHandler(Duration.ofSeconds(10));
        EmbeddedChannel ch = new EmbeddedChannel(handler);
        MqttConnectMessage connect = MqttMessageBuilders.connect().clientId("c").protocolVersion(MqttVersion.MQTT_3_1_1).build();
        ch.writeInbound(connect);
        assertThat(ch.pipeline().get(ConnectTimeoutHandler.class)).isNull();
        ch.advanceTimeBy(11, TimeUnit.SECONDS);
        ch.runPendingTasks();
        assertThat(ch.isOpen()).isTrue();
        assertThat(ch.<Object>readInbound()).isSameAs(connect);
        ch.finishAndReleaseAll();
    }

    private static MqttConnectMessage enhancedAuthConnect() {
        io.netty.handler.codec.mqtt.MqttProperties props = new io.netty.handler.codec.mqtt.MqttProperties();
        props.add(new io.netty.handler.codec.mqtt.MqttProperties.StringProperty(
                io.netty.handler.codec.mqtt.MqttProperties.AUTHENTICATION_METHOD, "CHALLENGE"));
        return MqttMessageBuilders.connect().clientId("c").protocolVersion(MqttVersion.MQTT_5).properties(props).build();
    }

    @Test
    void enhancedAuthenticationMustEndWithinTheConnectTimeout() {
        io.netty.util.concurrent.MockTicker ticker = io.netty.util.concurrent.Ticker.newMockTicker();
        EmbeddedChannel ch = EmbeddedChannel.builder().ticker(ticker)
                .handlers(new ConnectTimeoutHandler(Duration.ofSeconds(10))).build();
        ch.writeInbound(enhancedAuthConnect());
        assertThat(ch.pipeline().get(ConnectTimeoutHandler.class)).isNotNull();
        // The client keeps answering AUTH; no CONNACK ever goes out.
        for (int i = 0; i < 9; i++) {
            ticker.advance(1, TimeUnit.SECONDS);
            ch.runPendingTasks();
            ch.writeInbound(new io.netty.handler.codec.mqtt.MqttMessage(new io.netty.handler.codec.mqtt.MqttFixedHeader(
                    io.netty.handler.codec.mqtt.MqttMessageType.AUTH, false, io.netty.handler.codec.mqtt.MqttQoS.AT_MOST_ONCE,
                    false, 0)));
        }
        assertThat(ch.isOpen()).isTrue();
        ticker.advance(1, TimeUnit.SECONDS);
        ch.runPendingTasks();
        assertThat(ch.isOpen()).isFalse();
        ch.finishAndReleaseAll();
    }

    @Test
    void theConnAckEndsTheLimitOfAnEnhancedAuthentication() {
        io.netty.util.concurrent.MockTicker ticker = io.netty.util.concurrent.Ticker.newMockTicker();
        EmbeddedChannel ch = EmbeddedChannel.builder().ticker(ticker)
                .handlers(new ConnectTimeoutHandler(Duration.ofSeconds(10))).build();
        ch.writeInbound(enhancedAuthConnect());
        ch.writeOutbound(MqttMessageBuilders.connAck()
                .returnCode(io.netty.handler.codec.mqtt.MqttConnectReturnCode.CONNECTION_ACCEPTED).build());
        assertThat(ch.pipeline().get(ConnectTimeoutHandler.class)).isNull();
        assertThat(ch.pipeline().names()).doesNotContain(ConnectTimeoutHandler.NAME + "-connack");
        ticker.advance(11, TimeUnit.SECONDS);
        ch.runPendingTasks();
        assertThat(ch.isOpen()).isTrue();
        ch.finishAndReleaseAll();
    }
}
