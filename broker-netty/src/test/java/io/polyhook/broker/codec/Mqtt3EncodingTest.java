package io.polyhook.broker.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.polyhook.broker.routing.Message;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.MqttProperties;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** An MQTT 3 PUBLISH written straight into a buffer is the bytes Netty's encoder writes for it (acks: OutboxTest). */
public class Mqtt3EncodingTest {

    private static final UnpooledByteBufAllocator ALLOC = new UnpooledByteBufAllocator(true);

    @ParameterizedTest(name = "topic {0}, {1} payload bytes, retain {2}, QoS {3}, packet id {4}, dup {5}")
    @CsvSource({
            "a/b, 0, false, 0, 0, false",
            "a/b, 10, true, 0, 0, false",
            "sensors/1/temperature, 125, false, 0, 0, false",
            "sensors/1/temperature, 200, false, 1, 1, false",
            "sensors/1/temperature, 200, true, 1, 65535, true",
            "sensors/1/temperature, 0, false, 2, 300, false",
            "sensors/1/temperature, 16380, false, 2, 7, true",
            "ünï/cødé/😀, 20000, true, 1, 42, false",
            "x, 2100000, false, 0, 0, false",
            "x, 2100000, false, 1, 9, false",
    })
    void isTheBytesNettysEncoderWrites(String topic, int payloadSize, boolean retain, int qos, int packetId,
                                       boolean dup) {
        byte[] payload = new byte[payloadSize];
        for (int i = 0; i < payloadSize; i++) {
            payload[i] = (byte) i;
        }
        Message m = Message.of(topic, qos, Bytes.wrap(payload), retain, MqttProperties.EMPTY, "pub");

        ByteBuf ours = Mqtt3Encoding.publish(m, packetId, dup, ALLOC);
        try {
            assertThat(ByteBufUtil.getBytes(ours)).isEqualTo(nettyEncoding(Packets.publish(m, packetId, false, dup)));
        } finally {
            ours.release();
        }
    }

    static Stream<MqttMessage> replies() {
        return Stream.of(
                Packets.connAck(MqttConnectReturnCode.CONNECTION_ACCEPTED, false,
                        io.netty.handler.codec.mqtt.MqttProperties.NO_PROPERTIES),
                Packets.connAck(MqttConnectReturnCode.CONNECTION_ACCEPTED, true,
                        io.netty.handler.codec.mqtt.MqttProperties.NO_PROPERTIES),
                Packets.connAck(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED, false,
                        io.netty.handler.codec.mqtt.MqttProperties.NO_PROPERTIES),
                Packets.subAck(1, List.of(0, 1, 2, 0x80)),
                Packets.subAck(65535, Collections.nCopies(200, 1)),
                Packets.unsubAck(42, List.of()),
                Packets.pingResp());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("replies")
    void aReplyIsTheBytesNettysEncoderWrites(MqttMessage reply) {
        ByteBuf ours = (ByteBuf) Mqtt3Encoding.reply(reply, ALLOC);
        try {
            assertThat(ByteBufUtil.getBytes(ours)).isEqualTo(nettyEncoding(reply));
        } finally {
            ours.release();
        }
    }

    @Test
    void anyOtherPacketIsLeftToNettysEncoder() {
        MqttMessage pubAck = Packets.pubReply(MqttMessageType.PUBACK, 7, Packets.SUCCESS);
        assertThat(Mqtt3Encoding.reply(pubAck, ALLOC)).isSameAs(pubAck);
    }

    /** The bytes Netty's encoder writes for {@code packet} on an MQTT 3.1.1 connection. */
    public static byte[] nettyEncoding(Object packet) {
        EmbeddedChannel ch = new EmbeddedChannel(MqttEncoder.INSTANCE);
        ch.writeOutbound(packet);
        ByteBuf out = ch.readOutbound();
        try {
            return ByteBufUtil.getBytes(out);
        } finally {
            out.release();
            ch.finishAndReleaseAll();
        }
    }
}
