package io.polyhook.broker.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;

import java.util.Arrays;
import java.util.Set;

/**
 * Lets through to Netty's WebSocket handshake only an upgrade request it should accept: one on
 * the listener's path that offers an MQTT subprotocol, or none at all. Anything else is answered
 * with an HTTP error and closed at once; without this check a request on another path went past
 * the handshake to the MQTT decoder, unanswered until the connect timeout, and a client offering
 * only other subprotocols was upgraded anyway (MQTT 5 §6.0.0-3 and -4 want "mqtt"). Removes
 * itself once it has passed a request on.
 */
@ChannelHandler.Sharable
final class WebSocketUpgradeCheck extends ChannelInboundHandlerAdapter {

    private static final Set<String> SUBPROTOCOLS = Set.of(MqttChannelInitializer.SUBPROTOCOLS.split(","));

    private final String path;

    WebSocketUpgradeCheck(String path) {
        this.path = path;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest req)) {
            ctx.fireChannelRead(msg);
            return;
        }
        HttpResponseStatus refusal = refusal(req);
        if (refusal == null) {
            ctx.pipeline().remove(this);
            ctx.fireChannelRead(msg);
            return;
        }
        ReferenceCountUtil.release(msg);
        ctx.channel().config().setAutoRead(false);
        DefaultFullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, refusal, Unpooled.EMPTY_BUFFER);
        res.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0).set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }

    /** The status to refuse {@code req} with, or null to pass it on. */
    private HttpResponseStatus refusal(FullHttpRequest req) {
        if (!req.decoderResult().isSuccess()) {
            return HttpResponseStatus.BAD_REQUEST;
        }
        // The same exact match as Netty's handshake handler, which would pass anything else on.
        if (!req.uri().equals(path)) {
            return HttpResponseStatus.NOT_FOUND;
        }
        String offered = req.headers().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
        if (offered != null && Arrays.stream(offered.split(",")).map(String::trim).noneMatch(SUBPROTOCOLS::contains)) {
            return HttpResponseStatus.BAD_REQUEST;
        }
        return null;
    }
}
