package io.polyhook.broker.transport;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.util.ReferenceCountUtil;

/**
 * The last handler of a connection refused by a connection limit: it answers the client's CONNECT
 * with a CONNACK that says why (MQTT 5: 0x97 Quota exceeded, with a reason string unless the
 * client asked for none; 3.1 and 3.1.1: 0x03 Server unavailable), then closes. No session, no
 * hook: the connection never reaches the session layer. Anything other than a CONNECT, an error,
 * or the connect timeout closes it without an answer.
 */
final class ConnectRefusal extends ChannelInboundHandlerAdapter {

    private final String reason;

    /** {@code reason}: the MQTT 5 reason string, e.g. "too many connections". */
    ConnectRefusal(String reason) {
        this.reason = reason;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof MqttConnectMessage m && m.decoderResult().isSuccess()) {
                // Whatever arrives after the CONNECT is not read: the answer is final.
                ctx.channel().config().setAutoRead(false);
                ctx.writeAndFlush(connAck(m)).addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.close();
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private Object connAck(MqttConnectMessage m) {
        if (m.variableHeader().version() != 5) {
            return MqttMessageBuilders.connAck()
                    .returnCode(MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE).build();
        }
        MqttProperties props = MqttProperties.NO_PROPERTIES;
        // MQTT 5 §3.1.2.11.7: Request Problem Information defaults to 1 (reason strings wanted).
        MqttProperties.MqttProperty<?> problemInfo = m.variableHeader().properties()
                .getProperty(MqttProperties.REQUEST_PROBLEM_INFORMATION);
        if (problemInfo == null || !Integer.valueOf(0).equals(problemInfo.value())) {
            props = new MqttProperties();
            props.add(new MqttProperties.StringProperty(MqttProperties.REASON_STRING, reason));
        }
        return MqttMessageBuilders.connAck().returnCode(MqttConnectReturnCode.CONNECTION_REFUSED_QUOTA_EXCEEDED)
                .properties(props).build();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Malformed input, resets, TLS or WebSocket errors: a refused connection owes nobody an answer.
        ctx.close();
    }
}
