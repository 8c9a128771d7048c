package io.polyhook.broker.connection;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;

/**
 * First in a test channel's pipeline: turns the packets the session writes already encoded (the
 * shared MQTT 3 QoS 0 PUBLISH) back into packet objects, so that tests read every packet alike.
 */
public final class DecodedWrites extends ChannelOutboundHandlerAdapter {

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof ByteBuf encoded)) {
            ctx.write(msg, promise);
            return;
        }
        EmbeddedChannel decoder = new EmbeddedChannel(new MqttDecoder());
        decoder.writeInbound(encoded);
        Object packet = decoder.readInbound();
        decoder.finishAndReleaseAll();
        ctx.write(packet, promise);
    }
}
