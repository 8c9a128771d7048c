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
}
