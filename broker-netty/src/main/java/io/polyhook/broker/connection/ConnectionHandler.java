package io.polyhook.broker.connection;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.polyhook.broker.config.ListenerConfig;
import io.polyhook.spi.Bytes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * The last handler of a connection's pipeline: Netty's callbacks, handed to the
 * {@link Connection}. It turns a PUBLISH into an {@link InboundPublish} that owns no pooled
 * buffer, so that packets held back behind a verdict hold none.
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionHandler.class);

    private final Connections connections;
    private final ListenerConfig listener;
    private Connection connection;

    ConnectionHandler(Connections connections, ListenerConfig listener) {
        this.connections = connections;
        this.listener = listener;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        connection = new Connection(connections, ctx, listener);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!connection.state().isOpen() || !(msg instanceof MqttMessage)) {
            // Closing: nothing more is handled. Not an MQTT message: a wiring bug, not the client's.
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof MqttPublishMessage p) {
            int qos = p.fixedHeader().qosLevel().value();
            if (!connection.publishes().arrived(qos, p.variableHeader().packetId())) {
                p.release();
                return;
            }
            try {
                msg = new InboundPublish(p.variableHeader().topicName(), qos, p.fixedHeader().isRetain(),
                        p.variableHeader().packetId(), Bytes.wrap(ByteBufUtil.getBytes(p.payload())),
                        p.variableHeader().properties());
            } finally {
                p.release();
            }
        }
        connection.received(msg);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            connection.writable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        connection.channelClosed();
        ctx.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            connection.keepAliveExpired();
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // The last handler: nothing reaches Netty's tail. Resets are normal; anything else is worth a line.
        if (cause instanceof IOException) {
            LOG.debug("client {}: {}", connection.clientId(), cause.toString());
        } else if (cause instanceof DecoderException) {
            LOG.debug("client {}: undecodable input: {}", connection.clientId(), cause.getMessage());
        } else {
            LOG.warn("client {}: closing after {}", connection.clientId(), cause.toString());
            LOG.debug("pipeline error", cause);
        }
        connection.closeNow();
    }
}
