package io.polyhook.broker.session;

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
final class Packets {

    /** MQTT 5 reason codes the broker itself uses. */
    static final int SUCCESS = 0x00;
    static final int NO_SUBSCRIPTION_EXISTED = 0x11;
    static final int CONTINUE_AUTHENTICATION = 0x18;
    static final int REAUTHENTICATE = 0x19;
    static final int BAD_AUTHENTICATION_METHOD = 0x8C;
    static final int UNSPECIFIED_ERROR = 0x80;
    static final int MALFORMED_PACKET = 0x81;
    static final int PROTOCOL_ERROR = 0x82;
    static final int NOT_AUTHORIZED = 0x87;
    static final int SERVER_SHUTTING_DOWN = 0x8B;
    static final int KEEP_ALIVE_TIMEOUT = 0x8D;
    static final int SESSION_TAKEN_OVER = 0x8E;
    static final int TOPIC_FILTER_INVALID = 0x8F;
    static final int TOPIC_NAME_INVALID = 0x90;
    static final int PACKET_TOO_LARGE = 0x95;
    static final int QUOTA_EXCEEDED = 0x97;
    static final int SHARED_SUBSCRIPTIONS_NOT_SUPPORTED = 0x9E;
    static final int RECEIVE_MAXIMUM_EXCEEDED = 0x93;
    static final int TOPIC_ALIAS_INVALID = 0x94;
    static final int ADMINISTRATIVE_ACTION = 0x98;
    static final int MAXIMUM_CONNECT_TIME = 0xA0;

    private static final java.util.Set<Integer> CONNACK_CODES = java.util.Set.of(0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86,
            0x87, 0x88, 0x89, 0x8A, 0x8C, 0x90, 0x95, 0x97, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9F);
    private static final java.util.Set<Integer> PUBACK_CODES = java.util.Set.of(0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99);
    private static final java.util.Set<Integer> SUBACK_CODES = java.util.Set.of(0x80, 0x83, 0x87, 0x8F, 0x91, 0x97, 0x9E,
            0xA1, 0xA2);

    private Packets() {
    }

    /** A handler's reason code for a refused CONNECT, or 0x86 where MQTT 5 does not allow it in CONNACK. */
    static MqttConnectReturnCode connAckCode5(int code) {
        return MqttConnectReturnCode.valueOf((byte) (CONNACK_CODES.contains(code) ? code : 0x86));
    }

    /** The nearest MQTT 3 CONNACK return code for a handler's MQTT 5 reason code. */
    static MqttConnectReturnCode connAckCode3(int code) {
        return switch (code) {
            case 0x85 -> MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED;
            case 0x88, 0x89 -> MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE;
            case 0x86 -> MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD;
            default -> MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED;
        };
    }

    /**
     * The DISCONNECT reason code for a packet that failed to decode: the validator's own, 0x95
     * for one above the maximum packet size, 0x81 Malformed Packet for anything else.
     */
    static int reasonCodeOf(Throwable decodeFailure) {
        if (decodeFailure instanceof io.polyhook.broker.codec.MqttViolation v) {
            return v.reasonCode();
        }
        return decodeFailure instanceof io.netty.handler.codec.TooLongFrameException ? PACKET_TOO_LARGE : MALFORMED_PACKET;
    }

    /** A handler's reason code for a refused PUBLISH, or 0x87 where MQTT 5 does not allow it in PUBACK/PUBREC. */
    static int pubAckCode(int code) {
        return PUBACK_CODES.contains(code) ? code : NOT_AUTHORIZED;
    }

    /** A handler's reason code for a refused SUBSCRIBE, or 0x87 where MQTT 5 does not allow it in SUBACK. */
    static int subAckCode(int code) {
        return SUBACK_CODES.contains(code) ? code : NOT_AUTHORIZED;
    }

    static MqttConnAckMessage connAck(MqttConnectReturnCode code, boolean sessionPresent, MqttProperties props) {
        return MqttMessageBuilders.connAck().returnCode(code).sessionPresent(sessionPresent).properties(props).build();
    }

    static MqttPublishMessage publish(Message m, int packetId, boolean v5) {
        return publish(m, packetId, v5, false);
    }

    /** A PUBLISH without topic alias; MQTT 3 without properties. */
    static MqttPublishMessage publish(Message m, int packetId, boolean v5, boolean dup) {
        return v5 ? publish(m, packetId, dup, 0) : publishMessage(m, m.topic(), packetId, dup, MqttProperties.NO_PROPERTIES);
    }

    /**
     * An MQTT 5 PUBLISH. {@code topicAlias}: 0 for none; positive for an alias the client knows
     * (the topic goes empty); negative for one this PUBLISH sets (the topic goes in full with it).
     */
    static MqttPublishMessage publish(Message m, int packetId, boolean dup, int topicAlias) {
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
    static long publishSize(Message m, boolean v5) {
        return publishSize(m, v5, 0);
    }

    /** As {@link #publishSize(Message, boolean)}, with a topic alias as {@link #publish(Message, int, boolean, int)} takes it. */
    static long publishSize(Message m, boolean v5, int topicAlias) {
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
    static int varIntSize(long n) {
        return n < 128 ? 1 : n < 16_384 ? 2 : n < 2_097_152 ? 3 : 4;
    }

    static MqttMessage pubReply(MqttMessageType type, int packetId, int reasonCode) {
        MqttQoS qos = type == MqttMessageType.PUBREL ? MqttQoS.AT_LEAST_ONCE : MqttQoS.AT_MOST_ONCE;
        return new MqttMessage(new MqttFixedHeader(type, false, qos, false, 0),
                new MqttPubReplyMessageVariableHeader(packetId, (byte) reasonCode, MqttProperties.NO_PROPERTIES));
    }

    static MqttSubAckMessage subAck(int packetId, List<Integer> codes) {
        return new MqttSubAckMessage(new MqttFixedHeader(MqttMessageType.SUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                new MqttMessageIdAndPropertiesVariableHeader(packetId, MqttProperties.NO_PROPERTIES),
                new MqttSubAckPayload(codes));
    }

    static MqttUnsubAckMessage unsubAck(int packetId, List<Short> codes) {
        return new MqttUnsubAckMessage(new MqttFixedHeader(MqttMessageType.UNSUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                new MqttMessageIdAndPropertiesVariableHeader(packetId, MqttProperties.NO_PROPERTIES),
                new MqttUnsubAckPayload(codes));
    }

    static MqttMessage disconnect(int reasonCode) {
        return new MqttMessage(new MqttFixedHeader(MqttMessageType.DISCONNECT, false, MqttQoS.AT_MOST_ONCE, false, 0),
                new MqttReasonCodeAndPropertiesVariableHeader((byte) reasonCode, MqttProperties.NO_PROPERTIES));
    }

    static MqttMessage auth(int reasonCode, String method, java.util.Optional<io.polyhook.spi.Bytes> data) {
        MqttProperties props = new MqttProperties();
        props.add(new MqttProperties.StringProperty(io.netty.handler.codec.mqtt.MqttProperties.AUTHENTICATION_METHOD, method));
        data.ifPresent(d -> props.add(new MqttProperties.BinaryProperty(
                io.netty.handler.codec.mqtt.MqttProperties.AUTHENTICATION_DATA, d.toByteArray())));
        return new MqttMessage(new MqttFixedHeader(MqttMessageType.AUTH, false, MqttQoS.AT_MOST_ONCE, false, 0),
                new MqttReasonCodeAndPropertiesVariableHeader((byte) reasonCode, props));
    }

    static MqttMessage pingResp() {
        return MqttMessage.PINGRESP;
    }
}
