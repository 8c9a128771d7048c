package io.polyhook.broker.connection;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Ends a connection from the broker's side so that its last packet (a DISCONNECT with its reason
 * code, or a CONNACK that refuses) reaches the client: the packet is written and flushed, the
 * output is half-closed (the client reads the packet, then end of stream), what the client still
 * sends is read and thrown away, and the connection closes when the client closes its side, or at
 * the latest after {@link #drainTime} or {@link #drainBytes}.
 *
 * <p>Why: closing at once while the client is still sending (a burst of PUBLISHes past the Receive
 * Maximum, the PUBRELs it answers our PUBRECs with) leaves unread bytes in the socket, and the
 * kernel then answers with a TCP reset, which makes the client's stack discard the DISCONNECT
 * still waiting in its receive buffer: the client sees "connection reset", never the reason.
 *
 * <p>The only code that closes an admitted or connecting client's connection: every DISCONNECT the
 * broker sends, every CONNACK with which it refuses, and the plain closes of MQTT 3 clients (which
 * have no DISCONNECT from the server) and of broken connections ({@link #close}) go through here.
 * What closes in the transport before a connection reaches this layer stays there and cheap: a
 * connection refused by a connection limit ({@code ConnectRefusal}), one without CONNECT in time,
 * an unfinished packet, a WebSocket violation. Nothing is
 * decoded after it: the bytes are dropped before the TLS, WebSocket and MQTT decoders. Channels
 * that cannot half-close (an embedded channel in tests) close once the packet is written. Over TLS
 * the half-close is the TCP one, after the packet, without a close_notify first.
 */
public final class Disconnector {

    /** One second of draining, and at most 16 MiB. */
    public static final Disconnector STANDARD = new Disconnector(Duration.ofSeconds(1), 16L << 20);

    private static final String DRAIN = "disconnect-drain";

    private final Duration drainTime;
    private final long drainBytes;

    /**
     * @param drainTime  the longest the connection stays open after the call
     * @param drainBytes the most bytes read and discarded before closing anyway
     */
    public Disconnector(Duration drainTime, long drainBytes) {
        this.drainTime = drainTime;
        this.drainBytes = drainBytes;
    }

    /**
     * On the channel's event loop: sends {@code lastPacket} through {@code ctx} (null: none) and
     * closes as described above. A second call on the same channel only drops its packet.
     */
    public void send(ChannelHandlerContext ctx, Object lastPacket) {
        Channel ch = ctx.channel();
        if (ch.pipeline().get(DRAIN) != null || !ch.isActive()) {
            ReferenceCountUtil.release(lastPacket);
            if (!ch.isActive()) {
                ch.close();
            }
            return;
        }
        ch.pipeline().addFirst(DRAIN, new Drain(drainBytes));
        // Reading may have been paused (backpressure, throttling): the drain must read to work.
        ch.config().setAutoRead(true);
        // Whatever happens to the write (a client that never reads keeps it pending): closed in time.
        ch.eventLoop().schedule(() -> {
            ch.close();
        }, drainTime.toMillis(), TimeUnit.MILLISECONDS);
        if (lastPacket == null) {
            halfClose(ch);
            return;
        }
        ctx.writeAndFlush(lastPacket).addListener(written -> {
            if (written.isSuccess()) {
                halfClose(ch);
            } else {
                ch.close();
            }
        });
    }

    /** Closes at once, without a last packet: an MQTT 3 client, or a connection that broke. */
    public void close(ChannelHandlerContext ctx) {
        ctx.close();
    }

    private static void halfClose(Channel ch) {
        if (ch instanceof DuplexChannel duplex && ch.isActive()) {
            duplex.shutdownOutput();
        } else {
            ch.close();
        }
    }

    /** First in the pipeline: reads and drops everything; past the byte bound, closes. */
    private static final class Drain extends ChannelInboundHandlerAdapter {
        private final long maxBytes;
        private long read;

        Drain(long maxBytes) {
            this.maxBytes = maxBytes;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf b) {
                read += b.readableBytes();
            }
            ReferenceCountUtil.release(msg);
            if (read > maxBytes) {
                ctx.close();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            // Nothing goes further: the handlers behind it are done with this connection.
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A reset while draining is the client closing: nothing to report.
            ctx.close();
        }
    }
}
