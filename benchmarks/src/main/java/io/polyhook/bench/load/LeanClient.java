package io.polyhook.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
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

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The subscribing side of a load run: a minimal MQTT 3.1.1 client that connects (clean session,
 * no keep-alive), subscribes to one filter, and for every PUBLISH it is sent hands the time since
 * the send time in the payload's first eight bytes to a {@link Sink}, acknowledging QoS 1 and 2 as the protocol
 * asks. It decodes in place and allocates nothing per message.
 *
 * <p>Why not a general client: on this two-core machine the load generator shares the cores with
 * the broker it measures. At 900,000 deliveries a second the HiveMQ client's subscribers used more
 * CPU than the broker (1.1 cores against 0.8), so a run measured the generator's queueing as much
 * as the broker's. Publishing stays with the HiveMQ client. Anything this client does not expect
 * (a refused CONNECT or SUBSCRIBE, a malformed or unexpected packet, a lost connection) fails it,
 * and the run reports the failure instead of a result.
 */
final class LeanSubscriber {

    /** Receives deliveries on the subscriber's event loop. */
    interface Sink {
        /** One PUBLISH arrived, {@code latencyNanos} after the {@link System#nanoTime()} in its payload. */
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

    private LeanSubscriber(Channel channel, Protocol protocol) {
        this.channel = channel;
        this.protocol = protocol;
    }

    /**
     * Connects and subscribes; the future completes once the broker granted the subscription and
     * fails if it refused the connection or the subscription, or the connection was lost first.
     */
    static CompletableFuture<LeanSubscriber> connect(EventLoopGroup loops, String host, int port, String clientId,
                                                     String username, byte[] password, String filter, int qos,
                                                     Sink sink) {
        Protocol protocol = new Protocol(clientId, username, password, filter, qos, sink);
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
        return protocol.subscribed.thenApply(ignored -> new LeanSubscriber(connecting.channel(), protocol));
    }

    /** Messages delivered so far. */
    long received() {
        return protocol.received.get();
    }

    /** When the last message arrived ({@link System#nanoTime()}), 0 if none did. */
    long lastDeliveryNanos() {
        return protocol.lastDelivery.get();
    }

    /** Why the connection failed after it subscribed, null if it did not. */
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
        final CompletableFuture<Void> subscribed = new CompletableFuture<>();
        final AtomicLong received = new AtomicLong();
        final AtomicLong lastDelivery = new AtomicLong();
        volatile Throwable failure;
        volatile boolean closing;
        // Acknowledgements of one read burst, written together when the burst ends.
        private ByteBuf replies;

        Protocol(String clientId, String username, byte[] password, String filter, int qos, Sink sink) {
            this.clientId = clientId;
            this.username = username;
            this.password = password;
            this.filter = filter;
            this.qos = qos;
            this.sink = sink;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            ctx.writeAndFlush(connectPacket(ctx));
            super.channelActive(ctx);
        }

        private ByteBuf connectPacket(ChannelHandlerContext ctx) {
            byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
            byte[] user = username == null ? null : username.getBytes(StandardCharsets.UTF_8);
            int flags = 0x02 | (user != null ? 0x80 : 0) | (password != null ? 0x40 : 0); // clean session
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
                case 2 -> {
                    int code = in.getUnsignedByte(body + 1);
                    if (code != 0) {
                        throw new IllegalStateException("CONNECT refused with return code " + code);
                    }
                    ctx.writeAndFlush(subscribePacket(ctx));
                }
                case 9 -> {
                    int granted = in.getUnsignedByte(body + 2);
                    if (in.getUnsignedShort(body) != SUBSCRIBE_ID || granted == 0x80) {
                        throw new IllegalStateException("SUBSCRIBE to " + filter + " refused (" + granted + ")");
                    }
                    subscribed.complete(null);
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
                sink.delivered(now - in.getLong(payload));
            }
            received.lazySet(received.get() + 1);
            lastDelivery.lazySet(now);
            if (publishQos > 0) {
                reply(ctx, publishQos == 1 ? 0x40 : 0x50, in.getUnsignedShort(payload - 2)); // PUBACK / PUBREC
            }
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
            if (!closing) {
                fail(new IllegalStateException("the broker closed the connection of " + clientId));
            }
            super.channelInactive(ctx);
        }

        void fail(Throwable cause) {
            if (failure == null) {
                failure = cause;
            }
            subscribed.completeExceptionally(cause);
        }
    }
}
