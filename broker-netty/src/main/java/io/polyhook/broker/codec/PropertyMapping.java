package io.polyhook.broker.codec;

import io.netty.handler.codec.mqtt.MqttProperties.BinaryProperty;
import io.netty.handler.codec.mqtt.MqttProperties.IntegerProperty;
import io.netty.handler.codec.mqtt.MqttProperties.MqttProperty;
import io.netty.handler.codec.mqtt.MqttProperties.StringPair;
import io.netty.handler.codec.mqtt.MqttProperties.StringProperty;
import io.netty.handler.codec.mqtt.MqttProperties.UserProperties;
import io.netty.handler.codec.mqtt.MqttProperties.UserProperty;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.MqttProperties;
import io.polyhook.spi.PayloadFormat;

import static io.netty.handler.codec.mqtt.MqttProperties.AUTHENTICATION_DATA;
import static io.netty.handler.codec.mqtt.MqttProperties.AUTHENTICATION_METHOD;
import static io.netty.handler.codec.mqtt.MqttProperties.CONTENT_TYPE;
import static io.netty.handler.codec.mqtt.MqttProperties.CORRELATION_DATA;
import static io.netty.handler.codec.mqtt.MqttProperties.MAXIMUM_PACKET_SIZE;
import static io.netty.handler.codec.mqtt.MqttProperties.PAYLOAD_FORMAT_INDICATOR;
import static io.netty.handler.codec.mqtt.MqttProperties.PUBLICATION_EXPIRY_INTERVAL;
import static io.netty.handler.codec.mqtt.MqttProperties.RECEIVE_MAXIMUM;
import static io.netty.handler.codec.mqtt.MqttProperties.REQUEST_PROBLEM_INFORMATION;
import static io.netty.handler.codec.mqtt.MqttProperties.REQUEST_RESPONSE_INFORMATION;
import static io.netty.handler.codec.mqtt.MqttProperties.RESPONSE_TOPIC;
import static io.netty.handler.codec.mqtt.MqttProperties.SESSION_EXPIRY_INTERVAL;
import static io.netty.handler.codec.mqtt.MqttProperties.SUBSCRIPTION_IDENTIFIER;
import static io.netty.handler.codec.mqtt.MqttProperties.TOPIC_ALIAS;
import static io.netty.handler.codec.mqtt.MqttProperties.TOPIC_ALIAS_MAXIMUM;
import static io.netty.handler.codec.mqtt.MqttProperties.USER_PROPERTY;
import static io.netty.handler.codec.mqtt.MqttProperties.WILL_DELAY_INTERVAL;

/**
 * Converts between Netty's wire properties and the hook SPI's typed {@link MqttProperties}.
 * Only the properties hooks can see are carried over; the rest stay in the codec.
 */
public final class PropertyMapping {

    private PropertyMapping() {
    }

    /**
     * Netty → SPI. Throws {@link IllegalArgumentException} for a value the protocol forbids
     * (the caller treats that as a protocol error).
     */
    public static MqttProperties fromWire(io.netty.handler.codec.mqtt.MqttProperties wire) {
        if (wire == null || wire.isEmpty()) {
            return MqttProperties.EMPTY;
        }
        MqttProperties.Builder b = MqttProperties.builder();
        for (MqttProperty<?> p : wire.listAll()) {
            Object v = p.value();
            switch (p.propertyId()) {
                case SESSION_EXPIRY_INTERVAL -> b.sessionExpiryInterval(Integer.toUnsignedLong((Integer) v));
                case RECEIVE_MAXIMUM -> b.receiveMaximum((Integer) v);
                case TOPIC_ALIAS_MAXIMUM -> b.topicAliasMaximum((Integer) v);
                case MAXIMUM_PACKET_SIZE -> b.maximumPacketSize(Integer.toUnsignedLong((Integer) v));
                case REQUEST_RESPONSE_INFORMATION -> b.requestResponseInformation((Integer) v != 0);
                case REQUEST_PROBLEM_INFORMATION -> b.requestProblemInformation((Integer) v != 0);
                case USER_PROPERTY -> {
                    if (p instanceof UserProperties ups) {
                        for (StringPair pair : ups.value()) {
                            b.addUserProperty(pair.key, pair.value);
                        }
                    } else if (p instanceof UserProperty up) {
                        b.addUserProperty(up.value().key, up.value().value);
                    }
                }
                case PAYLOAD_FORMAT_INDICATOR -> {
                    if ((Integer) v == 1) {
                        b.payloadFormat(PayloadFormat.UTF8);
                    }
                }
                case PUBLICATION_EXPIRY_INTERVAL -> b.messageExpiryInterval(Integer.toUnsignedLong((Integer) v));
                case CONTENT_TYPE -> b.contentType((String) v);
                case RESPONSE_TOPIC -> b.responseTopic((String) v);
                case CORRELATION_DATA -> b.correlationData(Bytes.copyOf((byte[]) v));
                case TOPIC_ALIAS -> b.topicAlias((Integer) v);
                case SUBSCRIPTION_IDENTIFIER -> b.addSubscriptionIdentifier((Integer) v);
                case AUTHENTICATION_METHOD -> b.authenticationMethod((String) v);
                case AUTHENTICATION_DATA -> b.authenticationData(Bytes.copyOf((byte[]) v));
                case WILL_DELAY_INTERVAL -> b.willDelayInterval(Integer.toUnsignedLong((Integer) v));
                default -> {
                    // Server-to-client properties never arrive from a client; ignore them.
                }
            }
        }
        return b.build();
    }

    /** SPI → Netty, for the properties a PUBLISH to a subscriber carries. */
    public static io.netty.handler.codec.mqtt.MqttProperties publishToWire(MqttProperties props, java.util.List<Integer> subscriptionIds) {
        return publishToWire(props, subscriptionIds, 0);
    }

    /** As {@link #publishToWire(MqttProperties, java.util.List)}, with a topic alias (0: none). */
    public static io.netty.handler.codec.mqtt.MqttProperties publishToWire(MqttProperties props, java.util.List<Integer> subscriptionIds,
                                                                    int topicAlias) {
        if (props.isEmpty() && subscriptionIds.isEmpty() && topicAlias == 0) {
            return io.netty.handler.codec.mqtt.MqttProperties.NO_PROPERTIES;
        }
        io.netty.handler.codec.mqtt.MqttProperties wire = new io.netty.handler.codec.mqtt.MqttProperties();
        props.payloadFormat().ifPresent(f ->
                wire.add(new IntegerProperty(PAYLOAD_FORMAT_INDICATOR, f.indicator())));
        props.messageExpiryInterval().ifPresent(s ->
                wire.add(new IntegerProperty(PUBLICATION_EXPIRY_INTERVAL, (int) s)));
        props.contentType().ifPresent(s -> wire.add(new StringProperty(CONTENT_TYPE, s)));
        props.responseTopic().ifPresent(s -> wire.add(new StringProperty(RESPONSE_TOPIC, s)));
        props.correlationData().ifPresent(d ->
                wire.add(new BinaryProperty(CORRELATION_DATA, d.toByteArray())));
        if (!props.userProperties().isEmpty()) {
            UserProperties ups = new UserProperties();
            props.userProperties().forEach(u -> ups.add(u.key(), u.value()));
            wire.add(ups);
        }
        for (Integer id : subscriptionIds) {
            wire.add(new IntegerProperty(SUBSCRIPTION_IDENTIFIER, id));
        }
        if (topicAlias != 0) {
            wire.add(new IntegerProperty(TOPIC_ALIAS, topicAlias));
        }
        return wire;
    }

    /** The properties of a forwarded message: what travels end to end (no alias, no subscription ids). */
    public static MqttProperties forwardable(MqttProperties in) {
        if (in.isEmpty()) {
            return in;
        }
        MqttProperties.Builder b = MqttProperties.builder();
        in.payloadFormat().ifPresent(b::payloadFormat);
        in.messageExpiryInterval().ifPresent(b::messageExpiryInterval);
        in.contentType().ifPresent(b::contentType);
        in.responseTopic().ifPresent(b::responseTopic);
        in.correlationData().ifPresent(b::correlationData);
        if (!in.userProperties().isEmpty()) {
            b.userProperties(in.userProperties());
        }
        return b.build();
    }
}
