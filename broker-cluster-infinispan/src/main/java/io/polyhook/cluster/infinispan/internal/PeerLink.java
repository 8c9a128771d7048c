package io.polyhook.cluster.infinispan.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This node's connection to one peer, which only writes: the peer answers on its own link to us.
 * Senders on any thread put items in a lock-free queue; one flush task on the channel's event
 * loop drains what has gathered into one frame (a burst), so a busy link writes few large frames
 * and an idle one sends each message at once. The queue is bounded in bytes: past the bound,
 * {@link #offer} refuses instead of growing the heap behind a slow peer.
 */
final class PeerLink {

    private static final Logger LOG = LoggerFactory.getLogger(PeerLink.class);
    /** A burst goes into frames of about this size, so one huge backlog does not become one huge buffer. */
    static final int FRAME_TARGET = 256 * 1024;
    static final int HELLO = 1;
    static final int BATCH = 2;

    enum State { CONNECTING, CONNECTED, CLOSED }

    private final String self;
    private final String peer;
    private final InetSocketAddress address;
    private final EventLoopGroup group;
    private final long maxQueuedBytes;
    private final Counters counters;
    private final Queue<Outgoing> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    private final Runnable flushTask = this::flush;
    private volatile Channel channel;
    private volatile State state = State.CONNECTING;
    private long backoffMillis = 50;

    PeerLink(String self, String peer, InetSocketAddress address, EventLoopGroup group, long maxQueuedBytes,
             Counters counters) {
        this.self = self;
        this.peer = peer;
        this.address = address;
        this.group = group;
        this.maxQueuedBytes = maxQueuedBytes;
        this.counters = counters;
        connect();
    }

    String peer() {
        return peer;
    }

    InetSocketAddress address() {
        return address;
    }

    State state() {
        return state;
    }

    /** The connected channel, or null (tests hold its event loop to gather a burst). */
    Channel channel() {
        return channel;
    }

    /** Queues {@code item}; false if the link is closed or its queue is full. */
    boolean offer(Outgoing item) {
        if (state == State.CLOSED) {
            return false;
        }
        int size = item.estimate();
        if (queuedBytes.addAndGet(size) > maxQueuedBytes) {
            queuedBytes.addAndGet(-size);
            return false;
        }
        queue.offer(item);
        scheduleFlush();
        return true;
    }

    private void scheduleFlush() {
        Channel ch = channel;
        if (ch != null && flushScheduled.compareAndSet(false, true)) {
            ch.eventLoop().execute(flushTask);
        }
    }

    private void flush() {
        flushScheduled.set(false);
        Channel ch = channel;
        if (ch == null || !ch.isActive()) {
            return;
        }
        long now = System.nanoTime();
        boolean wrote = false;
        while (ch.isWritable() && !queue.isEmpty()) {
            ByteBuf frame = ch.alloc().buffer(Math.min(FRAME_TARGET, 4096));
            frame.writeInt(0);
            frame.writeByte(BATCH);
            frame.writeInt(0);
            int count = 0;
            long bytes = 0;
            Outgoing item;
            while (frame.writerIndex() < FRAME_TARGET && (item = queue.poll()) != null) {
                item.encode(frame, now);
                bytes += item.estimate();
                count++;
                if (item instanceof Outgoing.Delivery || item instanceof Outgoing.Forward) {
                    counters.sent.increment();
                }
            }
            queuedBytes.addAndGet(-bytes);
            frame.setInt(0, frame.writerIndex() - 4);
            frame.setInt(5, count);
            counters.frames.increment();
            counters.bytes.add(frame.readableBytes());
            ch.write(frame, ch.voidPromise());
            wrote = true;
        }
        if (wrote) {
            ch.flush();
        }
    }

    private void connect() {
        Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(1 << 20, 4 << 20))
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                        if (ctx.channel().isWritable()) {
                            scheduleFlush();
                        }
                        ctx.fireChannelWritabilityChanged();
                    }

                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        // The peer never writes on this connection.
                        io.netty.util.ReferenceCountUtil.release(msg);
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        LOG.debug("link to {} failed: {}", peer, cause.toString());
                        ctx.close();
                    }
                });
        b.connect(address).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                retry();
                return;
            }
            Channel ch = f.channel();
            if (state == State.CLOSED) {
                ch.close();
                return;
            }
            ByteBuf hello = ch.alloc().buffer();
            hello.writeInt(0);
            hello.writeByte(HELLO);
            Wire.writeString(hello, self);
            hello.setInt(0, hello.writerIndex() - 4);
            ch.writeAndFlush(hello);
            backoffMillis = 50;
            channel = ch;
            state = State.CONNECTED;
            ch.closeFuture().addListener(c -> {
                channel = null;
                if (state != State.CLOSED) {
                    state = State.CONNECTING;
                    retry();
                }
            });
            scheduleFlush();
        });
    }

    private void retry() {
        if (state == State.CLOSED) {
            return;
        }
        long delay = backoffMillis;
        backoffMillis = Math.min(2_000, backoffMillis * 2);
        group.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    /** Closes the link; what is still queued is dropped and counted. */
    void close() {
        state = State.CLOSED;
        Channel ch = channel;
        if (ch != null) {
            ch.close();
        }
        Outgoing item;
        while ((item = queue.poll()) != null) {
            if (item instanceof Outgoing.Delivery || item instanceof Outgoing.Forward) {
                counters.dropped.increment();
            }
        }
        queuedBytes.set(0);
    }
}
