package io.polyhook.broker.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
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
 *
 * <p>Inbound only, and not a {@code ChannelDuplexHandler}: Netty's {@code fireChannelRead} casts
 * each handler it calls to {@code ChannelDuplexHandler} where it is one, and that cast, compiled
 * for the steady stream, has met only {@link ByteCounter} there. A duplex class that only a new
 * connection's CONNECT passes deoptimized the compiled read path at every wave of new clients
 * ({@code class_check} at {@code AbstractChannelHandlerContext.fireChannelRead}, bci 78, in
 * {@code -Xlog:deoptimization=debug}; docs/benchmarks.md, "Start-of-run transient"). The CONNACK
 * that ends an enhanced authentication is watched by a small outbound handler of its own,
 * added only then.
 */
public final class ConnectTimeoutHandler extends ChannelInboundHandlerAdapter {

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
        if (msg instanceof MqttConnectMessage connect) {
            if (startsEnhancedAuthentication(connect)) {
                ctx.pipeline().addAfter(ctx.name(), NAME + "-connack", new ConnAckWatch(ctx));
            } else {
                done(ctx);
            }
        }
        ctx.fireChannelRead(msg);
    }

    private static boolean startsEnhancedAuthentication(MqttConnectMessage connect) {
        MqttProperties props = connect.variableHeader().properties();
        return props != null && props.getProperty(MqttProperties.AUTHENTICATION_METHOD) != null;
    }

    private void done(ChannelHandlerContext ctx) {
        cancel();
        ctx.pipeline().remove(this);
    }

    /** Ends the limit of an enhanced authentication when its CONNACK goes out, one way or the other. */
    private final class ConnAckWatch extends ChannelOutboundHandlerAdapter {
        private final ChannelHandlerContext timeoutCtx;

        ConnAckWatch(ChannelHandlerContext timeoutCtx) {
            this.timeoutCtx = timeoutCtx;
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            ctx.write(msg, promise);
            if (msg instanceof MqttConnAckMessage) {
                ctx.pipeline().remove(this);
                if (!timeoutCtx.isRemoved()) {
                    done(timeoutCtx);
                }
            }
        }
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
