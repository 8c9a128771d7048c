package io.polyhook.broker.connection;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@link Disconnector} over a real socket, against a client that keeps sending while it is
 * disconnected: it must read the last packet and then the end of the stream, not a TCP reset
 * (which a plain close causes when the client's bytes are still unread).
 */
class DisconnectorTest {

    // An MQTT 5 DISCONNECT with reason code 0x82 (protocol error) and no properties.
    private static final byte[] DISCONNECT = {(byte) 0xE0, 0x02, (byte) 0x82, 0x00};

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final CompletableFuture<Channel> accepted = new CompletableFuture<>();
    private Thread writer;

    @AfterEach
    void stop() throws InterruptedException {
        if (writer != null) {
            writer.interrupt();
            writer.join(TimeUnit.SECONDS.toMillis(30));
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** A server that answers the first bytes it reads with {@code disconnector.send(DISCONNECT)}. */
    private int serve(Disconnector disconnector) {
        Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        accepted.complete(ch);
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ReferenceCountUtil.release(msg);
                                disconnector.send(ctx, Unpooled.wrappedBuffer(DISCONNECT));
                            }
                        });
                    }
                })
                .bind("127.0.0.1", 0).syncUninterruptibly().channel();
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    // One permit per chunk the writer got into the socket.
    private final Semaphore written = new Semaphore(0);

    /** Writes {@code chunk} bytes at a time until the connection breaks or the test ends; counts them. */
    private AtomicLong keepSending(Socket socket, int chunk, long pauseMillis) {
        AtomicLong sent = new AtomicLong();
        writer = Thread.ofPlatform().daemon().name("still-sending").start(() -> {
            byte[] bytes = new byte[chunk];
            try {
                OutputStream out = socket.getOutputStream();
                while (!Thread.currentThread().isInterrupted()) {
                    out.write(bytes);
                    sent.addAndGet(chunk);
                    written.release();
                    if (pauseMillis > 0) {
                        // Pacing, not synchronisation: the client goes on sending at a steady rate.
                        Thread.sleep(pauseMillis);
                    }
                }
            } catch (IOException | InterruptedException end) {
                // The broker closed (after the drain) or the test is over.
            }
        });
        return sent;
    }

    @Test
    void aClientThatKeepsSendingReadsTheDisconnectAndThenTheEndOfTheStream() throws Exception {
        // A drain time far beyond the test: the connection may only end because the client's side ends.
        int port = serve(new Disconnector(Duration.ofMinutes(5), 1L << 40));
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            AtomicLong sent = keepSending(socket, 4096, 1);
            InputStream in = socket.getInputStream();

            assertThat(in.readNBytes(DISCONNECT.length)).as("the DISCONNECT").containsExactly(DISCONNECT);
            assertThat(in.read()).as("then the end of the stream: a half-close, not a reset").isEqualTo(-1);
            written.drainPermits();
            assertThat(written.tryAcquire(30, TimeUnit.SECONDS)).as("the client can still send after the end of the stream")
                    .isTrue();

            Channel ch = accepted.get(30, TimeUnit.SECONDS);
            assertThat(ch.isOpen()).as("open while the client sends").isTrue();
            writer.interrupt();
            writer.join(30_000);
            socket.close();
            assertThat(ch.closeFuture().await(30, TimeUnit.SECONDS)).as("closed once the client closed its side").isTrue();
        }
    }

    @Test
    void aClientThatNeverStopsSendingIsClosedAfterTheDrainTime() throws Exception {
        int port = serve(new Disconnector(Duration.ofMillis(200), 1L << 40));
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            keepSending(socket, 4096, 1);
            assertThat(socket.getInputStream().readNBytes(DISCONNECT.length)).containsExactly(DISCONNECT);

            Channel ch = accepted.get(30, TimeUnit.SECONDS);
            assertThat(ch.closeFuture().await(30, TimeUnit.SECONDS)).as("closed by the drain time").isTrue();
        }
    }

    @Test
    void aClientThatFloodsIsClosedPastTheDrainBytes() throws Exception {
        // The drain time is out of reach: only the byte bound can end the connection.
        int port = serve(new Disconnector(Duration.ofMinutes(5), 256 * 1024));
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            AtomicLong sent = keepSending(socket, 64 * 1024, 0);
            assertThat(socket.getInputStream().readNBytes(DISCONNECT.length)).containsExactly(DISCONNECT);

            Channel ch = accepted.get(30, TimeUnit.SECONDS);
            assertThat(ch.closeFuture().await(30, TimeUnit.SECONDS)).as("closed past the byte bound").isTrue();
            assertThat(sent.get()).isGreaterThan(256 * 1024);
        }
    }

    @Test
    void withoutALastPacketTheClientReadsTheEndOfTheStream() throws Exception {
        Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        accepted.complete(ch);
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ((ByteBuf) msg).release();
                                new Disconnector(Duration.ofMinutes(5), 1L << 40).send(ctx, null);
                            }
                        });
                    }
                })
                .bind("127.0.0.1", 0).syncUninterruptibly().channel();
        try (Socket socket = new Socket("127.0.0.1", ((InetSocketAddress) server.localAddress()).getPort())) {
            socket.setSoTimeout(30_000);
            keepSending(socket, 4096, 1);
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
    }
}
