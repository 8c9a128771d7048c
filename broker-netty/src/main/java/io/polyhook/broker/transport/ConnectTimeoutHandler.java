package io.polyhook.broker.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.util.concurrent.ScheduledFuture;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection that has not sent CONNECT within a time limit, so idle sockets cannot
 * pile up; removes itself once CONNECT arrives (keep-alive takes over from there).
 */
public final class ConnectTimeoutHandler extends ChannelInboundHandlerAdapter {

    /** The handler's name in the pipeline. */
    public static final String NAME = "connect-timeout";

    private final long timeoutMillis;
    private ScheduledFuture<?> timer;

    /** Closes after {@code timeout} without CONNECT. */
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
        if (msg instanceof MqttConnectMessage) {
            cancel();
            ctx.pipeline().remove(this);
        }
        ctx.fireChannelRead(msg);
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
