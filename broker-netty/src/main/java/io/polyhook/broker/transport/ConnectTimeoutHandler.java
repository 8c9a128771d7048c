package io.polyhook.broker.transport;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.util.concurrent.ScheduledFuture;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection that has not sent CONNECT within a time limit, so idle sockets cannot
 * pile up; removes itself once CONNECT arrives (keep-alive takes over from there). A CONNECT that
 * starts MQTT 5 enhanced authentication (it has an Authentication Method) keeps the limit running
 * until the CONNACK goes out: a client that keeps answering AUTH does not stay connected and
 * unauthenticated for ever.
 */
public final class ConnectTimeoutHandler extends ChannelDuplexHandler {

    /** The handler's name in the pipeline. */
    public static final String NAME = "connect-timeout";

    private final long timeoutMillis;
    private ScheduledFuture<?> timer;

    /** Closes after {@code timeout} without CONNECT (or, with enhanced authentication, without CONNACK). */
    public ConnectTimeoutHandler(Duration timeout) {
        this.timeoutMillis = timeout.toMillis();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            start(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        start(ctx);
        ctx.fireChannelActive();
    }

    private void start(ChannelHandlerContext ctx) {
        if (timer == null) {
            timer = ctx.executor().schedule(() -> {
                ctx.close();
            }, timeoutMillis, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof MqttConnectMessage connect && !startsEnhancedAuthentication(connect)) {
            done(ctx);
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        ctx.write(msg, promise);
        if (msg instanceof MqttConnAckMessage) {
            // Authentication ended, one way or the other.
            done(ctx);
        }
    }

    private static boolean startsEnhancedAuthentication(MqttConnectMessage connect) {
        MqttProperties props = connect.variableHeader().properties();
        return props != null && props.getProperty(MqttProperties.AUTHENTICATION_METHOD) != null;
    }

    private void done(ChannelHandlerContext ctx) {
        cancel();
        ctx.pipeline().remove(this);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
        }
    }
}
