package io.polyhook.broker.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.polyhook.broker.routing.Message;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.MqttProperties;
import io.polyhook.spi.PayloadFormat;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class PacketsTest {

    private static long encodedSize(Message m, int packetId, boolean v5) {
        EmbeddedChannel ch = new EmbeddedChannel(MqttEncoder.INSTANCE);
        // Encoding a CONNECT fixes the channel's protocol version, as on a real connection.
        ch.writeOutbound(MqttMessageBuilders.connect().clientId("c")
                .protocolVersion(v5 ? MqttVersion.MQTT_5 : MqttVersion.MQTT_3_1_1).build());
        ((ByteBuf) ch.readOutbound()).release();
        ch.writeOutbound(Packets.publish(m, packetId, v5));
        ByteBuf out = ch.readOutbound();
        try {
            return out.readableBytes();
        } finally {
            out.release();
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void publishSizeMatchesTheEncoderForMqtt311() {
        Message m = Message.of("a/b/ü", 1, Bytes.utf8("x".repeat(300)), false, MqttProperties.EMPTY, "c");
        assertThat(Packets.publishSize(m, false)).isEqualTo(encodedSize(m, 5, false));
    }

    @Test
    void publishSizeMatchesTheEncoderForMqtt5WithProperties() {
        MqttProperties props = MqttProperties.builder().contentType("text/plain").responseTopic("re/ply")
                .correlationData(Bytes.utf8("42")).payloadFormat(PayloadFormat.UTF8).messageExpiryInterval(60)
                .addUserProperty("k", "v").addUserProperty("k2", "v2").build();
        Message m = new Message("t", 2, Bytes.utf8("payload"), true, props, Optional.empty(), List.of(7), 0);
        assertThat(Packets.publishSize(m, true)).isEqualTo(encodedSize(m, 9, true));
        Message q0 = Message.of("t", 0, Bytes.EMPTY, false, MqttProperties.EMPTY, "c");
        assertThat(Packets.publishSize(q0, true)).isEqualTo(encodedSize(q0, 0, true));
    }
}
