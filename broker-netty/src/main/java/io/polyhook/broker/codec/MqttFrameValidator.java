package io.polyhook.broker.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.mqtt.MqttMessage;

import java.util.List;

/**
 * Cuts the client's byte stream into whole MQTT packets and checks each against MQTT 3.1.1 and 5
 * before Netty's {@code MqttDecoder} (which comes next) decodes it. Netty's decoder is lenient:
 * it takes duplicate properties, properties in the wrong packet, out-of-range values, reserved
 * bits, DUP on QoS 0, and a string length past the end of its packet, after which it reads on
 * into the following packets. Here every such packet is stopped: the packets before it go on,
 * then a message whose decoder result failed with an {@link MqttViolation} (the reason code to
 * answer with), and nothing after it is read. A packet above {@code maxPacketSize} fails with a
 * {@link TooLongFrameException} as soon as its length is known, before its bytes are held.
 *
 * <p>The checks read the packet in place and allocate nothing; the whole packets of one read go
 * on as one slice, which Netty's decoder then decodes without holding back a partial packet.
 */
public final class MqttFrameValidator extends ByteToMessageDecoder {

    private static final int CONNECT = 1;
    private static final int PUBLISH = 3;
    private static final int PUBREL = 6;
    private static final int SUBSCRIBE = 8;
    private static final int UNSUBSCRIBE = 10;
    private static final int PINGREQ = 12;
    private static final int DISCONNECT = 14;
    private static final int AUTH = 15;

    /** What the stream is known to be. */
    private enum State {
        /** Nothing yet: the first packet must be a CONNECT. */
        AWAITING_CONNECT,
        /** MQTT 3.1 or 3.1.1. */
        MQTT3,
        /** MQTT 5. */
        MQTT5,
        /** A CONNECT of an unknown protocol went on unchecked for the decoder to refuse; nothing more is read. */
        DONE
    }

    private final int maxPacketSize;
    private final PacketCursor cursor = new PacketCursor();
    private final PropertyCheck properties = new PropertyCheck();
    private State state = State.AWAITING_CONNECT;
    // MQTT 5 §3.14.2.2.2: a DISCONNECT may not set a session expiry if the CONNECT asked for none.
    private boolean noSessionExpiry;

    /** @param maxPacketSize the largest remaining length accepted, as for Netty's decoder */
    public MqttFrameValidator(int maxPacketSize) {
        this.maxPacketSize = maxPacketSize;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (state == State.DONE) {
            in.skipBytes(in.readableBytes());
            return;
        }
        int start = in.readerIndex();
        int end = start;
        int limit = in.writerIndex();
        try {
            while (state != State.DONE && limit - end >= 2) {
                int header = in.getUnsignedByte(end);
                int remaining = 0;
                int lengthBytes = 0;
                for (int k = 0; k < 4 && end + 1 + k < limit; k++) {
                    int b = in.getUnsignedByte(end + 1 + k);
                    remaining |= (b & 0x7F) << (7 * k);
                    if ((b & 0x80) == 0) {
                        if (b == 0 && k > 0) {
                            throw new MqttViolation(MqttViolation.MALFORMED_PACKET, false, state == State.MQTT5,
                                    "remaining length not in its shortest form");
                        }
                        lengthBytes = k + 1;
                        break;
                    }
                    if (k == 3) {
                        throw new MqttViolation(MqttViolation.MALFORMED_PACKET, false, state == State.MQTT5,
                                "remaining length longer than four bytes");
                    }
                }
                if (lengthBytes == 0) {
                    break; // the remaining length is not all there yet
                }
                if (remaining > maxPacketSize) {
                    throw new TooLongFrameException("packet of " + remaining + " bytes above " + maxPacketSize);
                }
                int body = end + 1 + lengthBytes;
                if (limit - body < remaining) {
                    break; // the packet is not all there yet
                }
                check(in, header, body, body + remaining);
                end = body + remaining;
            }
        } catch (MqttViolation | TooLongFrameException e) {
            pass(in, start, end, out);
            state = State.DONE;
            in.skipBytes(in.readableBytes());
            out.add(new MqttMessage(null, null, null, DecoderResult.failure(e)));
            return;
        } finally {
            cursor.clear();
        }
        pass(in, start, end, out);
    }

    private static void pass(ByteBuf in, int start, int end, List<Object> out) {
        if (end > start) {
            out.add(in.readRetainedSlice(end - start));
        }
    }

    /** Checks the packet with fixed header byte {@code header} and body {@code [from, to)}. */
    private void check(ByteBuf in, int header, int from, int to) {
        int type = header >>> 4;
        int flags = header & 0x0F;
        boolean v5 = state == State.MQTT5;
        if (type == CONNECT) {
            checkConnect(in, flags, from, to);
            return;
        }
        cursor.reset(in, from, to, false, v5);
        if (state == State.AWAITING_CONNECT) {
            throw cursor.protocolError("the first packet is not a CONNECT");
        }
        if (type != PUBLISH && flags != (type == PUBREL || type == SUBSCRIBE || type == UNSUBSCRIBE ? 2 : 0)) {
            throw cursor.malformed("reserved flags set in the fixed header");
        }
        switch (type) {
            case PUBLISH -> checkPublish(flags, v5);
            case 4, 5, 6, 7 -> checkPubReply(v5);
            case SUBSCRIBE -> checkSubscribe(v5);
            case UNSUBSCRIBE -> checkUnsubscribe(v5);
            case PINGREQ -> checkEmpty();
            case DISCONNECT -> checkDisconnect(v5);
            case AUTH -> checkAuth(v5);
            case 2, 9, 11, 13 -> throw cursor.protocolError("a packet only a server sends");
            default -> throw cursor.malformed("reserved packet type " + type);
        }
    }

    private void checkConnect(ByteBuf in, int flags, int from, int to) {
        cursor.reset(in, from, to, true, false);
        if (flags != 0) {
            throw cursor.malformed("reserved flags set in the fixed header");
        }
        int nameLength = cursor.u16("protocol name");
        if (cursor.remaining() <= nameLength) {
            // Even for an unknown protocol: Netty's decoder would wait for the bytes of the next packets.
            throw cursor.malformed("protocol name and level past the end of the packet");
        }
        int level = in.getUnsignedByte(from + 2 + nameLength);
        boolean known = (nameLength == 4 && level >= 4 && level <= 5 && in.getInt(from + 2) == 0x4D515454) // MQTT
                || (nameLength == 6 && level == 3 && in.getInt(from + 2) == 0x4D514973                    // MQIs
                && in.getShort(from + 6) == 0x6470);                                                       // dp
        if (!known) {
            if (state != State.AWAITING_CONNECT) {
                throw cursor.protocolError("a second CONNECT");
            }
            // An unknown protocol or version: Netty's decoder refuses it (CONNACK 0x01); nothing more is read.
            state = State.DONE;
            return;
        }
        boolean v5 = level == 5;
        cursor.reset(in, from + 3 + nameLength, to, true, v5);
        int connectFlags = cursor.u8("connect flags");
        boolean willFlag = (connectFlags & 0x04) != 0;
        int willQos = (connectFlags >> 3) & 0x03;
        boolean willRetain = (connectFlags & 0x20) != 0;
        boolean password = (connectFlags & 0x40) != 0;
        boolean userName = (connectFlags & 0x80) != 0;
        if ((connectFlags & 0x01) != 0) {
            throw cursor.malformed("reserved connect flag set");
        }
        if (willQos == 3) {
            throw cursor.malformed("will QoS 3");
        }
        if (!willFlag && (willQos != 0 || willRetain)) {
            throw cursor.malformed("will QoS or will retain without the will flag");
        }
        if (!v5 && password && !userName) {
            throw cursor.malformed("password flag without the user name flag");
        }
        cursor.u16("keep alive");
        boolean sessionExpiryZero = true;
        if (v5) {
            properties.check(cursor, PropertyCheck.CONNECT);
            requireMethodWithData();
            sessionExpiryZero = properties.sessionExpiry() <= 0;
        }
        cursor.string("client identifier");
        if (willFlag) {
            if (v5) {
                properties.check(cursor, PropertyCheck.WILL);
            }
            // Checked as a string only: the session answers an invalid will topic with its own code.
            cursor.string("will topic");
            cursor.binary("will payload");
        }
        if (userName) {
            cursor.string("user name");
        }
        if (password) {
            cursor.binary("password");
        }
        if (!cursor.atEnd()) {
            throw cursor.malformed("bytes after the CONNECT payload");
        }
        if (state == State.AWAITING_CONNECT) {
            state = v5 ? State.MQTT5 : State.MQTT3;
            noSessionExpiry = sessionExpiryZero;
        }
    }

    private void requireMethodWithData() {
        if (properties.has(PropertyCheck.AUTHENTICATION_DATA) && !properties.has(PropertyCheck.AUTHENTICATION_METHOD)) {
            throw cursor.protocolError("authentication data without an authentication method");
        }
    }

    private void checkPublish(int flags, boolean v5) {
        int qos = (flags >> 1) & 0x03;
        if (qos == 3) {
            throw cursor.malformed("PUBLISH with QoS 3");
        }
        if (qos == 0 && (flags & 0x08) != 0) {
            throw cursor.malformed("DUP set on a QoS 0 PUBLISH");
        }
        int topicLength = cursor.topicName("topic name", MqttViolation.MALFORMED_PACKET);
        if (qos > 0) {
            packetId();
        }
        if (v5) {
            properties.check(cursor, PropertyCheck.PUBLISH);
            if (topicLength == 0 && !properties.has(PropertyCheck.TOPIC_ALIAS)) {
                throw cursor.protocolError("empty topic name without a topic alias");
            }
        }
        // The payload is the rest, whatever it holds.
    }

    private void packetId() {
        if (cursor.u16("packet identifier") == 0) {
            throw cursor.malformed("packet identifier 0");
        }
    }

    private void checkPubReply(boolean v5) {
        packetId();
        if (v5 && !cursor.atEnd()) {
            cursor.u8("reason code");
            if (!cursor.atEnd()) {
                properties.check(cursor, PropertyCheck.PUB_REPLY);
            }
        }
        checkEnd();
    }

    private void checkSubscribe(boolean v5) {
        packetId();
        if (v5) {
            properties.check(cursor, PropertyCheck.SUBSCRIBE);
        }
        if (cursor.atEnd()) {
            throw cursor.protocolError("SUBSCRIBE without a topic filter");
        }
        while (!cursor.atEnd()) {
            cursor.string("topic filter");
            int options = cursor.u8("subscription options");
            if (v5) {
                if ((options & 0xC0) != 0) {
                    throw cursor.malformed("reserved subscription option bits set");
                }
                if ((options & 0x03) == 3) {
                    throw cursor.protocolError("subscription with QoS 3");
                }
                if ((options & 0x30) == 0x30) {
                    throw cursor.protocolError("retain handling 3");
                }
            } else if ((options & 0xFC) != 0 || (options & 0x03) == 3) {
                throw cursor.malformed("reserved subscription option bits set or QoS 3");
            }
        }
    }

    private void checkUnsubscribe(boolean v5) {
        packetId();
        if (v5) {
            properties.check(cursor, PropertyCheck.UNSUBSCRIBE);
        }
        if (cursor.atEnd()) {
            throw cursor.protocolError("UNSUBSCRIBE without a topic filter");
        }
        while (!cursor.atEnd()) {
            cursor.string("topic filter");
        }
    }

    private void checkEmpty() {
        checkEnd();
    }

    private void checkDisconnect(boolean v5) {
        if (v5 && !cursor.atEnd()) {
            cursor.u8("reason code");
            if (!cursor.atEnd()) {
                properties.check(cursor, PropertyCheck.DISCONNECT);
                if (noSessionExpiry && properties.sessionExpiry() > 0) {
                    throw cursor.protocolError("session expiry in DISCONNECT after none in CONNECT");
                }
            }
        }
        checkEnd();
    }

    private void checkAuth(boolean v5) {
        if (!v5) {
            throw cursor.malformed("reserved packet type 15");
        }
        if (!cursor.atEnd()) {
            cursor.u8("reason code");
            if (!cursor.atEnd()) {
                properties.check(cursor, PropertyCheck.AUTH);
                requireMethodWithData();
            }
        }
        checkEnd();
    }

    private void checkEnd() {
        if (!cursor.atEnd()) {
            throw cursor.malformed("bytes after the end of the packet");
        }
    }
}
