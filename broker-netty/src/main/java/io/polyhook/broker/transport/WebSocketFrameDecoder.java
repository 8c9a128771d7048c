package io.polyhook.broker.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.MessageToMessageDecoder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

import java.util.List;

/**
 * Unwraps binary (and continuation) WebSocket frames into the byte stream the MQTT decoder
 * reads. MQTT packets may span frames and frames may hold several packets (MQTT 5 §6), which the
 * stream decoder handles by itself. Text frames are not allowed for MQTT (MQTT 5 §6.0.0-1): one is
 * passed on as a malformed packet, so that the session handler closes the connection (after
 * DISCONNECT 0x81 for a connected MQTT 5 client), and nothing after it is read.
 */
final class WebSocketFrameDecoder extends MessageToMessageDecoder<WebSocketFrame> {

    private boolean textSeen;

    WebSocketFrameDecoder() {
        super(WebSocketFrame.class);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, WebSocketFrame frame, List<Object> out) {
        if (textSeen) {
            return;
        }
        if (frame instanceof BinaryWebSocketFrame || frame instanceof ContinuationWebSocketFrame) {
            out.add(frame.content().retain());
        } else {
            textSeen = true;
            out.add(WebSocketViolations.malformed(new CorruptedFrameException("text frame")));
        }
    }
}
