package io.polyhook.broker.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import io.polyhook.broker.session.ByteBudget;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A client that has started a packet must finish it in time ({@code broker.partial_packet_timeout}),
 * and unfinished packets of all clients together hold at most {@code broker.max_total_partial_bytes}:
 * otherwise a thousand clients with keep-alive 0, each stopping one byte short of a 256 KiB
 * PUBLISH, would hold 256 MB for ever.
 *
 * <p>Two handlers of one connection share this state. {@link #arrival()} sits at the head of the
 * pipeline and notes that bytes came in; {@link #framing()} sits right before the MQTT decoder and
 * follows the packet boundaries in what reaches it (the fixed header's remaining length), without
 * copying anything. The connection is <em>in a packet</em> from the moment bytes arrive until what
 * arrived ends at a packet boundary; so a TLS record or WebSocket frame that is not complete yet
 * counts too. The clock restarts with every packet that starts, so a client that keeps sending
 * packets is never closed, and it stands still while the broker itself has stopped reading
 * (backpressure, throttling): only a client that does not finish is closed.
 *
 * <p>Reserving against the total happens only when a read ends inside a packet, for the
 * remaining length that packet announced, and is given back when it completes or the connection closes.
 */
final class PartialPacketGuard {

    private static final Logger LOG = LoggerFactory.getLogger(PartialPacketGuard.class);

    /** Where the MQTT framing is: between packets, in the fixed header's length bytes, or in the body. */
    private enum Phase { BETWEEN_PACKETS, LENGTH, BODY }

    private final long timeoutNanos;
    private final ByteBudget total;
    private ChannelHandlerContext ctx;
    private Phase phase = Phase.BETWEEN_PACKETS;
    // Bytes arrived that did not (yet) end at a packet boundary.
    private boolean inPacket;
    // When the unfinished packet started (the executor's ticker); meaningful while inPacket.
    private long since;
    private int lengthValue;
    private int lengthShift;
    private long bodyLeft;
    private long reserved;
    private ScheduledFuture<?> timer;
    private boolean closed;

    PartialPacketGuard(Duration timeout, ByteBudget total) {
        this.timeoutNanos = timeout.toNanos();
        this.total = total;
    }

    /** The handler for the head of the pipeline: bytes arrived on the socket. */
    ChannelHandler arrival() {
        return new Arrival();
    }

    /** The handler for right before the MQTT decoder: follows the packet boundaries. */
    ChannelHandler framing() {
        return new Framing();
    }

    private long now() {
        return ctx.executor().ticker().nanoTime();
    }

    private void bytesArrived(ChannelHandlerContext context) {
        if (ctx == null) {
            ctx = context;
        }
        if (!inPacket && !closed) {
            inPacket = true;
            since = now();
            arm(timeoutNanos);
        }
    }

    /** Follows the MQTT framing through {@code buf} (read-only); ends at a packet boundary or inside one. */
    private void follow(ByteBuf buf) {
        boolean started = false;
        int i = buf.readerIndex();
        int end = buf.writerIndex();
        while (i < end) {
            switch (phase) {
                case BETWEEN_PACKETS -> {
                    i++;
                    started = true;
                    phase = Phase.LENGTH;
                    lengthValue = 0;
                    lengthShift = 0;
                }
                case LENGTH -> {
                    int b = buf.getByte(i++) & 0xFF;
                    lengthValue |= (b & 0x7F) << lengthShift;
                    lengthShift += 7;
                    if ((b & 0x80) == 0 || lengthShift >= 28) {
                        // A malformed length (more than four bytes) is the decoder's to refuse; stop here.
                        bodyLeft = lengthValue;
                        phase = Phase.BODY;
                        if (bodyLeft == 0) {
                            packetDone();
                        }
                    }
                }
                case BODY -> {
                    long take = Math.min(bodyLeft, end - i);
                    i += (int) take;
                    bodyLeft -= take;
                    if (bodyLeft == 0) {
                        packetDone();
                    }
                }
            }
        }
        if (phase == Phase.BETWEEN_PACKETS) {
            inPacket = false;
            return;
        }
        // The read ended inside a packet: the clock runs from its start, and it holds its announced size.
        inPacket = true;
        if (started) {
            since = now();
        }
        arm(timeoutNanos);
        // The decoder will hold the whole packet: its announced length once known, the header until then.
        long size = phase == Phase.BODY ? lengthValue + 5L : 5;
        if (reserved < size && !closed) {
            if (!total.tryTake(size - reserved)) {
                closed = true;
                LOG.debug("{}: closing: unfinished packets of all clients are at broker.max_total_partial_bytes ({})",
                        ctx.channel().remoteAddress(), total.max());
                ctx.close();
                return;
            }
            reserved = size;
        }
    }

    private void packetDone() {
        phase = Phase.BETWEEN_PACKETS;
        release();
    }

    private void release() {
        if (reserved > 0) {
            total.giveBack(reserved);
            reserved = 0;
        }
    }

    private void arm(long delayNanos) {
        if (timer == null && !closed) {
            timer = ctx.executor().schedule(this::check, delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void check() {
        if (!ctx.executor().inEventLoop()) {
            // The connection moved to another event loop (LoopAffinity): the check goes on there.
            ctx.executor().execute(this::check);
            return;
        }
        timer = null;
        if (!inPacket || closed || !ctx.channel().isActive()) {
            return;
        }
        long now = now();
        if (!ctx.channel().config().isAutoRead()) {
            // The broker is not reading (backpressure, throttling): not the client's delay.
            since = now;
        }
        long left = since + timeoutNanos - now;
        if (left > 0) {
            arm(left);
            return;
        }
        closed = true;
        LOG.debug("{}: closing: a packet not finished within broker.partial_packet_timeout ({} ms)",
                ctx.channel().remoteAddress(), TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
        ctx.close();
    }

    private void connectionClosed() {
        closed = true;
        release();
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private final class Arrival extends ChannelInboundHandlerAdapter {
        @Override
        public void handlerAdded(ChannelHandlerContext context) {
            ctx = context;
        }

        @Override
        public void channelRead(ChannelHandlerContext context, Object msg) {
            if (msg instanceof ByteBuf b && b.isReadable()) {
                bytesArrived(context);
            }
            context.fireChannelRead(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext context) {
            connectionClosed();
            context.fireChannelInactive();
        }
    }

    private final class Framing extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext context, Object msg) {
            if (msg instanceof ByteBuf b && !closed) {
                follow(b);
                if (closed) {
                    b.release();
                    return;
                }
            }
            context.fireChannelRead(msg);
        }
    }
}
