package io.polyhook.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.internal.PlatformDependent;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The clients of a load run: a minimal MQTT 3.1.1 client that connects (clean session, no
 * keep-alive) and either subscribes to one filter or publishes to one topic.
 *
 * <p>A subscriber hands, for every PUBLISH it is sent, the time since the send time in the
 * payload's first eight bytes to a {@link Sink}, acknowledging QoS 1 and 2 as the protocol asks;
 * it decodes in place and allocates nothing per message. A publisher is driven by one pacing
 * thread ({@link #publish}): each call encodes a PUBLISH stamped with the current time and hands
 * it to the connection's event loop, which writes what has queued up and flushes once, telling
 * its {@link Sink} how long each packet waited for that; QoS 1 and 2 keep a window of
 * unacknowledged packets.
 *
 * <p>Why not a general client: on this two-core machine the load generator shares the cores with
 * the broker it measures. At 900,000 deliveries a second the HiveMQ client's subscribers used more
 * CPU than the broker (1.1 cores against 0.8), and at 235,000 publishes a second its publishing
 * took a full core, so a run measured the generator's queueing as much as the broker's. Anything
 * this client does not expect (a refused CONNECT or SUBSCRIBE, a malformed or unexpected packet,
 * a lost connection) fails it, and the run reports the failure instead of a result.
 */
final class LeanClient {

    /** Receives latencies on the client's event loop. */
    interface Sink {
        /**
         * A subscriber's PUBLISH arrived, or a publisher's was written to the socket,
         * {@code latencyNanos} after the {@link System#nanoTime()} in its payload.
         */
        void delivered(long latencyNanos);
    }

    /** The event loops shared by the subscribers of a run: small, so the generator stays light. */
    static EventLoopGroup eventLoops() {
        int threads = Math.min(2, Runtime.getRuntime().availableProcessors());
        return new MultiThreadIoEventLoopGroup(threads,
                Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }

    private final Channel channel;
    private final Protocol protocol;

    private LeanClient(Channel channel, Protocol protocol) {
        this.channel = channel;
        this.protocol = protocol;
    }

    /**
     * Connects and subscribes; the future completes once the broker granted the subscription and
     * fails if it refused the connection or the subscription, or the connection was lost first.
     */
    static CompletableFuture<LeanClient> subscriber(EventLoopGroup loops, String host, int port, String clientId,
                                                    String username, byte[] password, String filter, int qos,
                                                    Sink sink) {
        return subscriber(loops, host, port, clientId, username, password, filter, qos, sink, null);
    }

    /** A {@link #subscriber} that also hands each message's stamps to {@code outliers} (null: none). */
    static CompletableFuture<LeanClient> subscriber(EventLoopGroup loops, String host, int port, String clientId,
                                                    String username, byte[] password, String filter, int qos,
                                                    Sink sink, Outliers outliers) {
        Protocol protocol = new Protocol(clientId, username, password, filter, qos, sink, null, 0, 0);
        protocol.outliers = outliers;
        return connect(loops, host, port, protocol);
    }

    /**
     * Connects a publisher of {@code payloadSize}-byte messages to {@code topic} at {@code qos},
     * with at most {@code window} unacknowledged at QoS 1 and 2; the future completes at the CONNACK.
     * {@code sendLag} gets, for each message, the time from its send time to its write to the
     * socket: the generator's own share of the end-to-end latency.
     */
    static CompletableFuture<LeanClient> publisher(EventLoopGroup loops, String host, int port, String clientId,
                                                   String username, byte[] password, String topic, int qos,
                                                   int payloadSize, int window, Sink sendLag) {
        return connect(loops, host, port,
                new Protocol(clientId, username, password, null, qos, sendLag, topic, payloadSize, window));
    }

    private static CompletableFuture<LeanClient> connect(EventLoopGroup loops, String host, int port,
                                                         Protocol protocol) {
        ChannelFuture connecting = new Bootstrap().group(loops)
                .channel(Epoll.isAvailable() ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(protocol);
                    }
                })
                .connect(host, port);
        connecting.addListener(f -> {
            if (!f.isSuccess()) {
                protocol.fail(f.cause());
            }
        });
        return protocol.ready.thenApply(ignored -> new LeanClient(connecting.channel(), protocol));
    }

    /**
     * From the one pacing thread: publishes a message stamped with {@link System#nanoTime()} now,
     * after waiting for room in the window until {@code deadlineNanos}; false if there was none.
     */
    boolean publish(long deadlineNanos) throws InterruptedException {
        return protocol.publish(deadlineNanos);
    }

    /** Publishes not yet acknowledged (QoS 1: PUBACK; QoS 2: PUBCOMP) or, at QoS 0, not yet written. */
    int outstanding() {
        return protocol.window == null ? 0 : protocol.windowSize - protocol.window.availablePermits();
    }

    /** Messages delivered so far. */
    long received() {
        return protocol.received.get();
    }

    /** When the last message arrived ({@link System#nanoTime()}), 0 if none did. */
    long lastDeliveryNanos() {
        return protocol.lastDelivery.get();
    }

    /** Why the connection failed after it was ready, null if it did not. */
    Throwable failure() {
        return protocol.failure;
    }

    /** Sends DISCONNECT and closes, waiting up to {@code millis}. */
    void disconnect(long millis) {
        protocol.closing = true;
        if (channel.isActive()) {
            channel.writeAndFlush(channel.alloc().buffer(2).writeByte(0xE0).writeByte(0));
        }
        channel.close().awaitUninterruptibly(millis, TimeUnit.MILLISECONDS);
    }

    /** The MQTT side of one connection, decoding packets from the cumulated bytes. */
    private static final class Protocol extends ByteToMessageDecoder {
        private static final int SUBSCRIBE_ID = 1;

        private final String clientId;
        private final String username;
        private final byte[] password;
        private final String filter;
        private final int qos;
        private final Sink sink;
        // Publisher: the packet template (fixed header, topic, packet id slot, payload) and its queue.
        private final byte[] template;
        private final int packetIdAt;
        private final int stampAt;
        final int windowSize;
        final Semaphore window;
        private final Queue<ByteBuf> outgoing = PlatformDependent.newMpscQueue();
        private final AtomicBoolean drainScheduled = new AtomicBoolean();
        private int nextPacketId;
        // Set when the connection is made, before ready completes and anyone publishes.
        private volatile Channel channel;
        private final Runnable drain = this::drain;
        final CompletableFuture<Void> ready = new CompletableFuture<>();
        final AtomicLong received = new AtomicLong();
        final AtomicLong lastDelivery = new AtomicLong();
        volatile Throwable failure;
        volatile boolean closing;
        // Acknowledgements of one read burst, written together when the burst ends.
        private ByteBuf replies;
        // Subscriber: where slow messages go (null: nowhere); set before the connection is made.
        Outliers outliers;

        Protocol(String clientId, String username, byte[] password, String filter, int qos, Sink sink,
                 String topic, int payloadSize, int windowSize) {
            this.clientId = clientId;
            this.username = username;
            this.password = password;
            this.filter = filter;
            this.qos = qos;
            this.sink = sink;
            this.windowSize = windowSize;
            // QoS 1/2: packets not yet acknowledged; QoS 0: packets not yet written to the socket.
            this.window = topic != null ? new Semaphore(windowSize) : null;
            if (topic == null) {
                template = null;
                packetIdAt = -1;
                stampAt = -1;
                return;
            }
            byte[] t = topic.getBytes(StandardCharsets.UTF_8);
            int size = Math.max(Long.BYTES, payloadSize);
            int remaining = 2 + t.length + (qos > 0 ? 2 : 0) + size;
            ByteBuf b = Unpooled.buffer();
            b.writeByte(0x30 | (qos << 1));
            writeLength(b, remaining);
            b.writeShort(t.length).writeBytes(t);
            packetIdAt = qos > 0 ? b.writerIndex() : -1;
            if (qos > 0) {
                b.writeShort(0);
            }
            stampAt = b.writerIndex();
            b.writeZero(size);
            template = ByteBufUtil.getBytes(b);
        }

        boolean publish(long deadlineNanos) throws InterruptedException {
            if (!window.tryAcquire() && !window.tryAcquire(deadlineNanos - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                return false;
            }
            ByteBuf packet = channel.alloc().buffer(template.length).writeBytes(template);
            if (packetIdAt >= 0) {
                // Sequential ids: one comes back only after 65,535 later ones, long after its acknowledgement.
                nextPacketId = nextPacketId == 65_535 ? 1 : nextPacketId + 1;
                packet.setShort(packetIdAt, nextPacketId);
            }
            packet.setLong(stampAt, System.nanoTime());
            outgoing.offer(packet);
            if (drainScheduled.compareAndSet(false, true)) {
                channel.eventLoop().execute(drain);
            }
            return true;
        }

        private void drain() {
            drainScheduled.set(false);
            ByteBuf packet;
            // While the socket takes them: a broker that reads slower makes the pacing thread wait.
            while (channel.isWritable() && (packet = outgoing.poll()) != null) {
                // Read per packet: one read before the loop could precede the stamp of a packet the
                // pacing thread queued meanwhile, a negative send lag (LoadRunTest saw -7 us in CI).
                long now = System.nanoTime();
                sink.delivered(now - packet.getLong(stampAt));
                if (template.length - stampAt >= 2 * Long.BYTES) {
                    // The second stamp: when the packet went to the socket (Outliers splits the latency there).
                    packet.setLong(stampAt + Long.BYTES, now);
                }
                channel.write(packet, channel.voidPromise());
                if (qos == 0) {
                    window.release();
                }
            }
            channel.flush();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
            if (ctx.channel().isWritable() && !outgoing.isEmpty()) {
                drain();
            }
            super.channelWritabilityChanged(ctx);
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            channel = ctx.channel();
            ctx.writeAndFlush(connectPacket(ctx));
            super.channelActive(ctx);
        }

        private ByteBuf connectPacket(ChannelHandlerContext ctx) {
            byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
            byte[] user = username == null ? null : username.getBytes(StandardCharsets.UTF_8);
            // Clean session, except subscribers under -Dbench.sessions=persistent|offline (LoadRun.Sessions).
            int clean = filter != null && LoadRun.Sessions.current() != LoadRun.Sessions.CLEAN ? 0 : 0x02;
            int flags = clean | (user != null ? 0x80 : 0) | (password != null ? 0x40 : 0);
            int length = 10 + 2 + id.length + (user != null ? 2 + user.length : 0)
                    + (password != null ? 2 + password.length : 0);
            ByteBuf b = ctx.alloc().buffer(5 + length).writeByte(0x10);
            writeLength(b, length);
            b.writeShort(4).writeBytes("MQTT".getBytes(StandardCharsets.US_ASCII)).writeByte(4).writeByte(flags)
                    .writeShort(0); // keep alive off: a run is bounded, and a ping would share the socket
            b.writeShort(id.length).writeBytes(id);
            if (user != null) {
                b.writeShort(user.length).writeBytes(user);
            }
            if (password != null) {
                b.writeShort(password.length).writeBytes(password);
            }
            return b;
        }

        private ByteBuf subscribePacket(ChannelHandlerContext ctx) {
            byte[] f = filter.getBytes(StandardCharsets.UTF_8);
            int length = 2 + 2 + f.length + 1;
            ByteBuf b = ctx.alloc().buffer(5 + length).writeByte(0x82);
            writeLength(b, length);
            return b.writeShort(SUBSCRIBE_ID).writeShort(f.length).writeBytes(f).writeByte(qos);
        }

        private static void writeLength(ByteBuf b, int length) {
            do {
                int digit = length & 0x7F;
                length >>>= 7;
                b.writeByte(length > 0 ? digit | 0x80 : digit);
            } while (length > 0);
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            while (in.isReadable(2)) {
                int start = in.readerIndex();
                int header = in.getUnsignedByte(start);
                int length = 0;
                int lengthBytes = 0;
                int digit;
                do {
                    if (lengthBytes == 4) {
                        throw new IllegalStateException("malformed remaining length");
                    }
                    if (!in.isReadable(2 + lengthBytes)) {
                        return;
                    }
                    digit = in.getUnsignedByte(start + 1 + lengthBytes);
                    length |= (digit & 0x7F) << (7 * lengthBytes);
                    lengthBytes++;
                } while ((digit & 0x80) != 0);
                int body = start + 1 + lengthBytes;
                if (in.writerIndex() - body < length) {
                    return;
                }
                packet(ctx, header, in, body, length);
                in.readerIndex(body + length);
            }
        }

        private void packet(ChannelHandlerContext ctx, int header, ByteBuf in, int body, int length) {
            switch (header >> 4) {
                case 3 -> publish(ctx, header, in, body, length);
                case 6 -> reply(ctx, 0x70, in.getUnsignedShort(body)); // PUBREL -> PUBCOMP
                case 4, 7 -> acknowledged(); // PUBACK, PUBCOMP of our own PUBLISH
                case 5 -> reply(ctx, 0x62, in.getUnsignedShort(body)); // PUBREC -> PUBREL
                case 2 -> {
                    int code = in.getUnsignedByte(body + 1);
                    if (code != 0) {
                        throw new IllegalStateException("CONNECT refused with return code " + code);
                    }
                    if (filter == null) {
                        ready.complete(null);
                    } else {
                        ctx.writeAndFlush(subscribePacket(ctx));
                    }
                }
                case 9 -> {
                    int granted = in.getUnsignedByte(body + 2);
                    if (in.getUnsignedShort(body) != SUBSCRIBE_ID || granted == 0x80) {
                        throw new IllegalStateException("SUBSCRIBE to " + filter + " refused (" + granted + ")");
                    }
                    ready.complete(null);
                }
                case 13 -> { } // PINGRESP
                default -> throw new IllegalStateException("unexpected packet type " + (header >> 4));
            }
        }

        private void publish(ChannelHandlerContext ctx, int header, ByteBuf in, int body, int length) {
            int publishQos = (header >> 1) & 3;
            int topicLength = in.getUnsignedShort(body);
            int payload = body + 2 + topicLength + (publishQos > 0 ? 2 : 0);
            if (publishQos == 3 || payload > body + length) {
                throw new IllegalStateException("malformed PUBLISH");
            }
            long now = System.nanoTime();
            if (body + length - payload >= Long.BYTES) {
                long sent = in.getLong(payload);
                sink.delivered(now - sent);
                if (outliers != null) {
                    outliers.delivered(sent, body + length - payload >= 2 * Long.BYTES ? in.getLong(payload + Long.BYTES) : 0,
                            now);
                }
            }
            received.lazySet(received.get() + 1);
            lastDelivery.lazySet(now);
            if (publishQos > 0) {
                reply(ctx, publishQos == 1 ? 0x40 : 0x50, in.getUnsignedShort(payload - 2)); // PUBACK / PUBREC
            }
        }

        private void acknowledged() {
            if (window == null || qos == 0) {
                throw new IllegalStateException("an acknowledgement for a client that did not publish at QoS 1 or 2");
            }
            window.release();
        }

        private void reply(ChannelHandlerContext ctx, int type, int packetId) {
            if (replies == null) {
                replies = ctx.alloc().buffer(256);
            }
            replies.writeByte(type).writeByte(2).writeShort(packetId);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
            if (replies != null) {
                ByteBuf r = replies;
                replies = null;
                ctx.writeAndFlush(r, ctx.voidPromise());
            }
            super.channelReadComplete(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(cause);
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (replies != null) {
                replies.release();
                replies = null;
            }
            ByteBuf unsent;
            while ((unsent = outgoing.poll()) != null) {
                unsent.release();
            }
            if (!closing) {
                fail(new IllegalStateException("the broker closed the connection of " + clientId));
            }
            super.channelInactive(ctx);
        }

        void fail(Throwable cause) {
            if (failure == null) {
                failure = cause;
            }
            ready.completeExceptionally(cause);
        }
    }
}
