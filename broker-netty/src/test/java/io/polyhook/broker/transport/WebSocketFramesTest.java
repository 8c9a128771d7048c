package io.polyhook.broker.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WebSocketFramesTest {

    private static ByteBuf encodedConnect() {
        EmbeddedChannel enc = new EmbeddedChannel(MqttEncoder.INSTANCE);
        enc.writeOutbound(MqttMessageBuilders.connect().clientId("ws").protocolVersion(MqttVersion.MQTT_3_1_1).build());
        ByteBuf bytes = enc.readOutbound();
        enc.finishAndReleaseAll();
        return bytes;
    }

    @Test
    void mqttPacketSplitOverBinaryAndContinuationFramesIsDecoded() {
        EmbeddedChannel ch = new EmbeddedChannel(new WebSocketFrameDecoder(), new MqttDecoder());
        ByteBuf bytes = encodedConnect();
        int half = bytes.readableBytes() / 2;
        ch.writeInbound(new BinaryWebSocketFrame(false, 0, bytes.readRetainedSlice(half)));
        assertThat(ch.<Object>readInbound()).isNull();
        ch.writeInbound(new ContinuationWebSocketFrame(true, 0, bytes.readRetainedSlice(bytes.readableBytes())));
        bytes.release();
        MqttConnectMessage connect = ch.readInbound();
        assertThat(connect.payload().clientIdentifier()).isEqualTo("ws");
        assertThat(ch.finish()).isFalse();
    }

    /** The session handler closes on a malformed packet (after DISCONNECT 0x81 for MQTT 5), as over TCP. */
    @Test
    void textFrameBecomesAMalformedPacketAndNothingAfterItIsRead() {
        EmbeddedChannel ch = new EmbeddedChannel(new WebSocketFrameDecoder());
        ch.writeInbound(new TextWebSocketFrame("hello"));
        MqttMessage malformed = ch.readInbound();
        assertThat(malformed.decoderResult().cause()).isInstanceOf(CorruptedFrameException.class);
        ch.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {(byte) 0xC0, 0x00})));
        assertThat(ch.<Object>readInbound()).isNull();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void outgoingBytesBecomeBinaryFrames() {
        EmbeddedChannel ch = new EmbeddedChannel(new WebSocketFrameEncoder());
        ch.writeOutbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0xD0, 0x00}));
        BinaryWebSocketFrame frame = ch.readOutbound();
        try {
            assertThat(frame.content().readableBytes()).isEqualTo(2);
        } finally {
            frame.release();
        }
        ch.finishAndReleaseAll();
    }
}
