package io.polyhook.broker.codec;

import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.StringProperty;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * What an MQTT 5 client's CONNECT says about the reason strings it takes: its Request Problem
 * Information flag (§3.1.2.11.7: with 0, a reason string goes only on CONNACK, PUBLISH and
 * DISCONNECT) and its Maximum Packet Size (§3.1.2.11.4: a reason string that would make a packet
 * larger is left out, the packet still goes).
 *
 * @param requested         Request Problem Information (1, the default, unless the client sent 0)
 * @param maximumPacketSize the client's Maximum Packet Size, 0 for none
 */
public record ProblemInformation(boolean requested, long maximumPacketSize) {

    /** A client that said nothing: reason strings everywhere, no size limit. */
    public static final ProblemInformation DEFAULT = new ProblemInformation(true, 0);

    private static final int MAX_STRING_BYTES = 65_535;

    /** What the CONNECT properties {@code connect} say. */
    public static ProblemInformation of(io.polyhook.spi.MqttProperties connect) {
        return new ProblemInformation(connect.requestProblemInformation().orElse(true),
                connect.maximumPacketSize().orElse(0L));
    }

    /**
     * The properties of a packet that carries {@code reason}: the Reason String if the client
     * takes it on this packet, else none. {@code alwaysAllowed}: the packet is a CONNACK or a
     * DISCONNECT, which may carry it whatever the flag says. {@code baseRemaining}: the packet's
     * remaining length without properties, to keep it within the client's maximum packet size.
     */
    public MqttProperties reasonString(Optional<String> reason, boolean alwaysAllowed, int baseRemaining) {
        if (reason.isEmpty() || !(requested || alwaysAllowed)) {
            return MqttProperties.NO_PROPERTIES;
        }
        int bytes = reason.get().getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_STRING_BYTES) {
            return MqttProperties.NO_PROPERTIES;
        }
        long props = 3L + bytes;
        long remaining = baseRemaining + Packets.varIntSize(props) + props;
        long size = 1 + Packets.varIntSize(remaining) + remaining;
        if (maximumPacketSize > 0 && size > maximumPacketSize) {
            return MqttProperties.NO_PROPERTIES;
        }
        MqttProperties p = new MqttProperties();
        p.add(new StringProperty(MqttProperties.REASON_STRING, reason.get()));
        return p;
    }
}
