package io.polyhook.broker.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.polyhook.broker.routing.Message;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The MQTT 3 packets of every message, written straight into one buffer: the bytes Netty's
 * {@code MqttEncoder} writes for the same packet, without its message objects (fixed header,
 * variable header, a wrapped payload), its encoder pass, and the second buffer it writes a
 * payload from. At 257,000 QoS 1 messages a second that encoder was a quarter of the broker's
 * samples, 9 % for the four-byte PUBACK alone. An MQTT 3 PUBLISH has no properties, so every
 * delivery of a message is topic, packet id and payload.
 */
public final class Mqtt3Encoding {

    private Mqtt3Encoding() {
    }

    /** The PUBLISH of {@code m} at its QoS; {@code packetId} is written only for QoS 1 and 2. */
    public static ByteBuf publish(Message m, int packetId, boolean dup, ByteBufAllocator alloc) {
        // String.getBytes, not ByteBufUtil.utf8Bytes and writeUtf8: an ASCII topic is one
        // vectorized copy instead of two walks char by char (6 % of the broker's samples).
        byte[] topic = m.topic().getBytes(StandardCharsets.UTF_8);
        boolean withId = m.qos() > 0;
        int remaining = 2 + topic.length + (withId ? 2 : 0) + m.payload().size();
        ByteBuf b = alloc.directBuffer(1 + Packets.varIntSize(remaining) + remaining);
        b.writeByte(0x30 | (dup ? 0x08 : 0) | (m.qos() << 1) | (m.retain() ? 1 : 0));
        writeRemainingLength(b, remaining);
        b.writeShort(topic.length);
        b.writeBytes(topic);
        if (withId) {
            b.writeShort(packetId);
        }
        try {
            // From the payload's array straight into the buffer: a ByteBuffer view cost three
            // objects per delivery (the view, its read-only twin and the DirectByteBuffer slice
            // Netty makes of the destination), 12 % of the broker's allocation samples.
            m.payload().writeTo(new ByteBufOutputStream(b));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteBufOutputStream does not throw
        }
        return b;
    }

    /** A PUBACK or PUBREC for {@code packetId}: MQTT 3 has no reason code, so success. */
    public static ByteBuf acknowledgement(MqttMessageType type, int packetId, ByteBufAllocator alloc) {
        if (type != MqttMessageType.PUBACK && type != MqttMessageType.PUBREC) {
            // A PUBREL needs flag bits in its first byte; a PUBCOMP is written on its own path.
            throw new IllegalArgumentException("not a PUBACK or PUBREC: " + type);
        }
        return alloc.directBuffer(4, 4).writeByte(type.value() << 4).writeByte(2).writeShort(packetId);
    }

    /**
     * An MQTT 3 CONNACK, SUBACK, UNSUBACK or PINGRESP as the bytes Netty's encoder writes for it;
     * any other packet as it is. Why: the deliveries and PUBACKs of an MQTT 3 connection are
     * written as buffers ({@link #publish}, {@link #acknowledgement}), so Netty's compiled write
     * path has only seen buffers pass its encoder, and a new client's first CONNACK or SUBACK,
     * an object to encode, took a branch it never saw ({@code unstable_if} at
     * {@code MessageToMessageEncoder.write} bci 8, in {@code -Xlog:deoptimization=debug}), which
     * dropped the compiled write path at every wave of new connections.
     */
    public static Object reply(MqttMessage m, ByteBufAllocator alloc) {
        return switch (m.fixedHeader().messageType()) {
            case CONNACK -> {
                MqttConnAckMessage c = (MqttConnAckMessage) m;
                yield alloc.directBuffer(4, 4).writeByte(0x20).writeByte(2)
                        .writeByte(c.variableHeader().isSessionPresent() ? 1 : 0)
                        .writeByte(c.variableHeader().connectReturnCode().byteValue());
            }
            case SUBACK -> subAck((MqttSubAckMessage) m, alloc);
            case UNSUBACK -> alloc.directBuffer(4, 4).writeByte(0xB0).writeByte(2)
                    .writeShort(((MqttMessageIdVariableHeader) m.variableHeader()).messageId());
            case PINGRESP -> alloc.directBuffer(2, 2).writeByte(0xD0).writeByte(0);
            default -> m;
        };
    }

    private static ByteBuf subAck(MqttSubAckMessage m, ByteBufAllocator alloc) {
        List<Integer> codes = m.payload().reasonCodes();
        int remaining = 2 + codes.size();
        ByteBuf b = alloc.directBuffer(1 + Packets.varIntSize(remaining) + remaining);
        b.writeByte(0x90);
        writeRemainingLength(b, remaining);
        b.writeShort(m.variableHeader().messageId());
        for (int code : codes) {
            b.writeByte(code);
        }
        return b;
    }

    /** The fixed header's remaining length, as MQTT's variable byte integer. */
    private static void writeRemainingLength(ByteBuf b, int remaining) {
        for (int v = remaining; ; ) {
            int digit = v & 0x7F;
            v >>>= 7;
            if (v == 0) {
                b.writeByte(digit);
                return;
            }
            b.writeByte(digit | 0x80);
        }
    }
}
