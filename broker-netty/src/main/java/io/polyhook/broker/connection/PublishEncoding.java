package io.polyhook.broker.connection;

import io.netty.channel.ChannelHandlerContext;
import io.polyhook.broker.codec.Mqtt3Encoding;
import io.polyhook.broker.codec.Packets;
import io.polyhook.broker.codec.SharedQos0Encoding;
import io.polyhook.broker.routing.Message;

/**
 * The PUBLISH packets of one connection as its client takes them: MQTT 3 straight into a buffer
 * (QoS 0 encoded once per fan-out), MQTT 5 through Netty's encoder with the topic aliases toward
 * the client, and whether a packet is above the client's Maximum Packet Size. Event loop only.
 */
final class PublishEncoding {

    private final ChannelHandlerContext ctx;
    private final boolean v5;
    private final long maxPacketSize;
    // MQTT 5 topic aliases toward the client; null when it takes none.
    private OutgoingTopicAliases aliases;

    /** @param maxPacketSize the client's Maximum Packet Size, 0 for none */
    PublishEncoding(ChannelHandlerContext ctx, boolean v5, long maxPacketSize) {
        this.ctx = ctx;
        this.v5 = v5;
        this.maxPacketSize = maxPacketSize;
    }

    /** At most {@code maximum} topic aliases toward the client (MQTT 5), none if 0. */
    void topicAliases(int maximum) {
        aliases = v5 && maximum > 0 ? new OutgoingTopicAliases(maximum) : null;
    }

    /** Whether the PUBLISH of {@code m}, sent now, is more than the client takes (MQTT 5 §3.1.2.11.4). */
    boolean tooLarge(Message m) {
        return maxPacketSize > 0 && Packets.publishSize(m, v5, aliasFor(m.topic(), false)) > maxPacketSize;
    }

    /** The QoS 0 PUBLISH of {@code m}: for MQTT 3 the same bytes for every subscriber, encoded once per fan-out. */
    Object publishQos0(Message m) {
        return v5 ? Packets.publish(m, 0, false, aliasFor(m.topic(), true)) : SharedQos0Encoding.encode(m, ctx.alloc());
    }

    /** The PUBLISH of {@code m} with a packet id. */
    Object publish(Message m, int packetId, boolean dup) {
        return v5 ? Packets.publish(m, packetId, dup, aliasFor(m.topic(), true))
                : Mqtt3Encoding.publish(m, packetId, dup, ctx.alloc());
    }

    /**
     * The topic alias for a PUBLISH on {@code topic}, as {@link Packets#publish(Message, int, boolean, int)}
     * takes it: positive if the client knows it, negative if it is set by this PUBLISH, 0 for none.
     * Only with {@code assign} is a new alias taken; without, it is what sending now would use.
     */
    private int aliasFor(String topic, boolean assign) {
        if (aliases == null) {
            return 0;
        }
        int known = aliases.known(topic);
        if (known != 0) {
            return known;
        }
        return -(assign ? aliases.assign(topic) : aliases.next());
    }
}
