package io.polyhook.broker.transport;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.mqtt.MqttMessage;

/**
 * Turns a WebSocket framing violation (a frame over the maximum size, a bad opcode, an unmasked
 * frame) into what it is for MQTT: a malformed packet, or one too large. The session handler then
 * closes the connection as it does for the same fault over TCP, with DISCONNECT 0x81 or 0x95 for
 * a connected MQTT 5 client. Sits before Netty's WebSocket protocol handler, which would close the
 * connection at once, before the client could be told why.
 */
@ChannelHandler.Sharable
final class WebSocketViolations extends ChannelInboundHandlerAdapter {

    static final WebSocketViolations INSTANCE = new WebSocketViolations();

    private WebSocketViolations() {
    }

    /** An MQTT message whose decoding failed with {@code cause}, as the MQTT decoder itself emits one. */
    static MqttMessage malformed(Throwable cause) {
        return new MqttMessage(null, null, null, DecoderResult.failure(cause));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof CorruptedWebSocketFrameException e) {
            // The frame decoder now discards whatever the client sends; the session handler closes.
            ctx.fireChannelRead(malformed(e.closeStatus() == WebSocketCloseStatus.MESSAGE_TOO_BIG
                    ? new TooLongFrameException(e.getMessage()) : new CorruptedFrameException(e.getMessage())));
            return;
        }
        ctx.fireExceptionCaught(cause);
    }
}
