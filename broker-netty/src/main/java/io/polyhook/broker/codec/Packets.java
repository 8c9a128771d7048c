package io.polyhook.broker.codec;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubAckPayload;
import io.netty.handler.codec.mqtt.MqttUnsubAckMessage;
import io.netty.handler.codec.mqtt.MqttUnsubAckPayload;
import io.polyhook.broker.routing.Message;

import java.util.List;

/** Builds the packets the broker sends. The encoder picks the MQTT 3 or 5 form from the channel's version. */
public final class Packets {

    /** MQTT 5 reason codes the broker itself uses. */
    public static final int SUCCESS = 0x00;
    public static final int NO_SUBSCRIPTION_EXISTED = 0x11;
    public static final int CONTINUE_AUTHENTICATION = 0x18;
    public static final int REAUTHENTICATE = 0x19;
    public static final int BAD_AUTHENTICATION_METHOD = 0x8C;
    public static final int UNSPECIFIED_ERROR = 0x80;
    public static final int MALFORMED_PACKET = 0x81;
    public static final int PROTOCOL_ERROR = 0x82;
    public static final int NOT_AUTHORIZED = 0x87;
    public static final int SERVER_SHUTTING_DOWN = 0x8B;
    public static final int KEEP_ALIVE_TIMEOUT = 0x8D;
    public static final int SESSION_TAKEN_OVER = 0x8E;
    public static final int TOPIC_FILTER_INVALID = 0x8F;
    public static final int TOPIC_NAME_INVALID = 0x90;
    public static final int PACKET_TOO_LARGE = 0x95;
    public static final int QUOTA_EXCEEDED = 0x97;
    public static final int SHARED_SUBSCRIPTIONS_NOT_SUPPORTED = 0x9E;
    public static final int RECEIVE_MAXIMUM_EXCEEDED = 0x93;
    public static final int TOPIC_ALIAS_INVALID = 0x94;
    public static final int ADMINISTRATIVE_ACTION = 0x98;
    public static final int MAXIMUM_CONNECT_TIME = 0xA0;

    private Packets() {
    }

    /**
     * The DISCONNECT reason code for a packet that failed to decode: the validator's own, 0x95
     * for one above the maximum packet size, 0x81 Malformed Packet for anything else.
     */
    public static int reasonCodeOf(Throwable decodeFailure) {
        if (decodeFailure instanceof io.polyhook.broker.codec.MqttViolation v) {
            return v.reasonCode();
        }
        return decodeFailure instanceof io.netty.handler.codec.TooLongFrameException ? PACKET_TOO_LARGE : MALFORMED_PACKET;
    }

    public static MqttConnAckMessage connAck(MqttConnectReturnCode code, boolean sessionPresent, MqttProperties props) {
        return MqttMessageBuilders.connAck().returnCode(code).sessionPresent(sessionPresent).properties(props).build();
    }

    public static MqttPublishMessage publish(Message m, int packetId, boolean v5) {
        return publish(m, packetId, v5, false);
    }

    /** A PUBLISH without topic alias; MQTT 3 without properties. */
    public static MqttPublishMessage publish(Message m, int packetId, boolean v5, boolean dup) {
        return v5 ? publish(m, packetId, dup, 0) : publishMessage(m, m.topic(), packetId, dup, MqttProperties.NO_PROPERTIES);
    }

    /**
     * An MQTT 5 PUBLISH. {@code topicAlias}: 0 for none; positive for an alias the client knows
     * (the topic goes empty); negative for one this PUBLISH sets (the topic goes in full with it).
     */
    public static MqttPublishMessage publish(Message m, int packetId, boolean dup, int topicAlias) {
        MqttProperties props = PropertyMapping.publishToWire(m.properties(), m.subscriptionIds(), Math.abs(topicAlias));
        return publishMessage(m, topicAlias > 0 ? "" : m.topic(), packetId, dup, props);
    }

    private static MqttPublishMessage publishMessage(Message m, String topic, int packetId, boolean dup,
                                                     MqttProperties props) {
        // The payload array is shared by every delivery of the message and never written to.
        io.netty.handler.codec.mqtt.MqttFixedHeader header = new io.netty.handler.codec.mqtt.MqttFixedHeader(
                MqttMessageType.PUBLISH, dup, MqttQoS.valueOf(m.qos()), m.retain(), 0);
        return new MqttPublishMessage(header,
                new io.netty.handler.codec.mqtt.MqttPublishVariableHeader(topic, packetId, props),
                Unpooled.wrappedBuffer(m.payload().asReadOnlyBuffer()));
    }

    /** The encoded size of the PUBLISH for {@code m}, to respect a client's Maximum Packet Size. */
    public static long publishSize(Message m, boolean v5) {
        return publishSize(m, v5, 0);
    }

    /** As {@link #publishSize(Message, boolean)}, with a topic alias as {@link #publish(Message, int, boolean, int)} takes it. */
    public static long publishSize(Message m, boolean v5, int topicAlias) {
        long remaining = 2 + (topicAlias > 0 ? 0 : utf8(m.topic())) + (m.qos() > 0 ? 2 : 0) + m.payload().size();
        if (v5) {
            io.polyhook.spi.MqttProperties p = m.properties();
            long props = 0;
            props += p.payloadFormat().isPresent() ? 2 : 0;
            props += p.messageExpiryInterval().isPresent() ? 5 : 0;
            props += p.contentType().map(t -> 3L + utf8(t)).orElse(0L);
            props += p.responseTopic().map(t -> 3L + utf8(t)).orElse(0L);
            props += p.correlationData().map(d -> 3L + d.size()).orElse(0L);
            for (io.polyhook.spi.UserProperty u : p.userProperties()) {
                props += 5 + utf8(u.key()) + utf8(u.value());
            }
            for (int id : m.subscriptionIds()) {
                props += 1 + varIntSize(id);
            }
            props += topicAlias != 0 ? 3 : 0;
            remaining += varIntSize(props) + props;
        }
        return 1 + varIntSize(remaining) + remaining;
    }

    private static long utf8(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }

    /** The bytes of {@code n} as an MQTT variable byte integer (a remaining length). */
    public static int varIntSize(long n) {
        return n < 128 ? 1 : n < 16_384 ? 2 : n < 2_097_152 ? 3 : 4;
    }

    /** A PUBACK, PUBREC, PUBREL or PUBCOMP without properties. */
    public static MqttMessage pubReply(MqttMessageType type, int packetId, int reasonCode) {
        return pubReply(type, packetId, reasonCode, MqttProperties.NO_PROPERTIES);
    }

    /** A PUBACK, PUBREC, PUBREL or PUBCOMP with {@code props} (MQTT 5: a reason string). */
    public static MqttMessage pubReply(MqttMessageType type, int packetId, int reasonCode, MqttProperties props) {
        MqttQoS qos = type == MqttMessageType.PUBREL ? MqttQoS.AT_LEAST_ONCE : MqttQoS.AT_MOST_ONCE;
        return new MqttMessage(new MqttFixedHeader(type, false, qos, false, 0),
                new MqttPubReplyMessageVariableHeader(packetId, (byte) reasonCode, props));
    }

    /** A SUBACK without properties. */
    public static MqttSubAckMessage subAck(int packetId, List<Integer> codes) {
        return subAck(packetId, codes, MqttProperties.NO_PROPERTIES);
    }

    /** A SUBACK with {@code props} (MQTT 5: a reason string). */
    public static MqttSubAckMessage subAck(int packetId, List<Integer> codes, MqttProperties props) {
        return new MqttSubAckMessage(new MqttFixedHeader(MqttMessageType.SUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                new MqttMessageIdAndPropertiesVariableHeader(packetId, props), new MqttSubAckPayload(codes));
    }

    /** An UNSUBACK without properties. */
    public static MqttUnsubAckMessage unsubAck(int packetId, List<Short> codes) {
        return unsubAck(packetId, codes, MqttProperties.NO_PROPERTIES);
    }

    /** An UNSUBACK with {@code props} (MQTT 5: a reason string). */
    public static MqttUnsubAckMessage unsubAck(int packetId, List<Short> codes, MqttProperties props) {
        return new MqttUnsubAckMessage(new MqttFixedHeader(MqttMessageType.UNSUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                new MqttMessageIdAndPropertiesVariableHeader(packetId, props), new MqttUnsubAckPayload(codes));
    }

    /** An MQTT 5 DISCONNECT without properties. */
    public static MqttMessage disconnect(int reasonCode) {
        return disconnect(reasonCode, MqttProperties.NO_PROPERTIES);
    }

    /** An MQTT 5 DISCONNECT with {@code props} (a reason string). */
    public static MqttMessage disconnect(int reasonCode, MqttProperties props) {
        return new MqttMessage(new MqttFixedHeader(MqttMessageType.DISCONNECT, false, MqttQoS.AT_MOST_ONCE, false, 0),
                new MqttReasonCodeAndPropertiesVariableHeader((byte) reasonCode, props));
    }

    public static MqttMessage auth(int reasonCode, String method, java.util.Optional<io.polyhook.spi.Bytes> data) {
        MqttProperties props = new MqttProperties();
        props.add(new MqttProperties.StringProperty(io.netty.handler.codec.mqtt.MqttProperties.AUTHENTICATION_METHOD, method));
        data.ifPresent(d -> props.add(new MqttProperties.BinaryProperty(
                io.netty.handler.codec.mqtt.MqttProperties.AUTHENTICATION_DATA, d.toByteArray())));
        return new MqttMessage(new MqttFixedHeader(MqttMessageType.AUTH, false, MqttQoS.AT_MOST_ONCE, false, 0),
                new MqttReasonCodeAndPropertiesVariableHeader((byte) reasonCode, props));
    }

    public static MqttMessage pingResp() {
        return MqttMessage.PINGRESP;
    }
}
