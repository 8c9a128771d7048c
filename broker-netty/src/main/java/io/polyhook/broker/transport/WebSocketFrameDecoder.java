package io.polyhook.broker.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

import java.util.List;

/**
 * Unwraps binary (and continuation) WebSocket frames into the byte stream the MQTT decoder
 * reads. MQTT packets may span frames and frames may hold several packets (MQTT 5 §6), which the
 * stream decoder handles by itself. Text frames are not allowed for MQTT: they close the connection.
 */
final class WebSocketFrameDecoder extends MessageToMessageDecoder<WebSocketFrame> {

    WebSocketFrameDecoder() {
        super(WebSocketFrame.class);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, WebSocketFrame frame, List<Object> out) {
        if (frame instanceof BinaryWebSocketFrame || frame instanceof ContinuationWebSocketFrame) {
            out.add(frame.content().retain());
        } else {
            ctx.close();
        }
    }
}
