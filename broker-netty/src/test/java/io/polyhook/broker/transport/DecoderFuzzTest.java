package io.polyhook.broker.transport;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.polyhook.broker.config.BrokerSettings;
import io.polyhook.broker.config.ListenerConfig;
import io.polyhook.broker.session.ByteBudget;
import io.polyhook.broker.sys.BrokerStats;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Fuzzes the broker's whole inbound pipeline as a listener builds it (WebSocket framing, the
 * strict MQTT validator, Netty's MQTT decoder, the session handler) with streams of MQTT 3.1.1
 * and 5 packets that are valid, nearly valid, mutated or noise, cut into random reads. For every
 * input: no exception escapes the pipeline and nothing is logged as an internal error (a bad
 * packet may only close the connection), every buffer read is released (and Netty's PARANOID leak
 * detector, on for this module's tests, reports nothing), each try ends within seconds, and no
 * packet is decoded from the bytes of two: every packet the validator passes on comes out of the
 * decoder on its own.
 *
 * <p>Bounded by the number of tries (about a minute in all on a busy two-core machine); each run
 * draws new inputs, and jqwik prints the seed that reproduces a failure.
 */
class DecoderFuzzTest {

    private static final List<String> PROBLEMS = new CopyOnWriteArrayList<>();
    private static AppenderBase<ILoggingEvent> collector;
    private static io.polyhook.broker.connection.EmbeddedCore core;
    private static final BrokerSettings SETTINGS = BrokerSettings.DEFAULT;
    private static final Duration PER_TRY = Duration.ofSeconds(10);

    @BeforeContainer
    static void start() {
        core = new io.polyhook.broker.connection.EmbeddedCore(SETTINGS);
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        collector = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent e) {
                // Internal errors are logged at WARN ("closing after ..."); leaks at ERROR ("LEAK: ...").
                if (e.getLevel().isGreaterOrEqual(Level.WARN)) {
                    PROBLEMS.add(e.getLoggerName() + ": " + e.getFormattedMessage());
                }
            }
        };
        collector.setContext(root.getLoggerContext());
        collector.start();
        root.addAppender(collector);
    }

    @AfterContainer
    static void stop() throws InterruptedException {
        // Leaks are reported once a leaked buffer is collected and a later allocation looks.
        for (int round = 0; round < 3; round++) {
            System.gc();
            Thread.sleep(50);
            for (int i = 0; i < 64; i++) {
                PooledByteBufAllocator.DEFAULT.directBuffer(16).release();
                PooledByteBufAllocator.DEFAULT.heapBuffer(16).release();
            }
        }
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(collector);
        core.close();
        assertThat(PROBLEMS).as("warnings, errors or leaks logged while fuzzing").isEmpty();
    }

    @Provide
    Arbitrary<Long> seeds() {
        return Arbitraries.longs();
    }

    @Property(tries = 2500)
    void mqtt311StreamsOverTcp(@ForAll("seeds") long seed, @ForAll @IntRange(min = 1, max = 96) int readSize) {
        Random r = new Random(seed);
        byte[] stream = r.nextInt(5) == 0 ? MqttStreams.noise(r, 4) : MqttStreams.stream(r, 4);
        onOwnThread(() -> feedTcp(stream, readSize));
    }

    @Property(tries = 2500)
    void mqtt5StreamsOverTcp(@ForAll("seeds") long seed, @ForAll @IntRange(min = 1, max = 96) int readSize) {
        Random r = new Random(seed);
        byte[] stream = r.nextInt(5) == 0 ? MqttStreams.noise(r, 5) : MqttStreams.stream(r, 5);
        onOwnThread(() -> feedTcp(stream, readSize));
    }

    @Property(tries = 1500)
    void mqttStreamsInWebSocketFrames(@ForAll("seeds") long seed, @ForAll @IntRange(min = 1, max = 96) int readSize) {
        Random r = new Random(seed);
        byte[] mqtt = MqttStreams.stream(r, r.nextBoolean() ? 4 : 5);
        byte[] frames = WebSocketFrames.frames(r, mqtt);
        onOwnThread(() -> feedWebSocket(frames, readSize));
    }

    /**
     * Runs one try on a thread of its own, which fails the try if it takes longer than
     * {@link #PER_TRY} (a hang), and which lets go of Netty's thread-locals when done (the shared
     * encodings of QoS 0 PUBLISHes an event loop keeps, released when its thread ends).
     */
    private static void onOwnThread(Runnable oneTry) {
        assertTimeoutPreemptively(PER_TRY, () -> {
            try {
                oneTry.run();
            } finally {
                FastThreadLocal.removeAll();
            }
        });
    }

    /** The pipeline of a TCP listener: feeds {@code stream} in reads of {@code readSize} bytes. */
    private static void feedTcp(byte[] stream, int readSize) {
        EmbeddedChannel ch = channel(ListenerConfig.of(ListenerConfig.Kind.TCP, "127.0.0.1", 0));
        Probes probes = Probes.install(ch);
        List<ByteBuf> reads = feed(ch, stream, readSize);
        boolean open = ch.isOpen();
        finish(ch, reads);
        assertThat(probes.messages.successes).as("packets decoded").isLessThanOrEqualTo(probes.frames.passed);
        if (open && probes.messages.failures == 0) {
            assertThat(probes.messages.successes).as("every packet passed on is decoded on its own")
                    .isEqualTo(probes.frames.passed);
        }
    }

    /** The pipeline of a WebSocket listener: upgrade, then {@code frames} in reads of {@code readSize} bytes. */
    private static void feedWebSocket(byte[] frames, int readSize) {
        EmbeddedChannel ch = channel(ListenerConfig.of(ListenerConfig.Kind.WS, "127.0.0.1", 0));
        List<ByteBuf> reads = new ArrayList<>();
        ByteBuf upgrade = Unpooled.copiedBuffer(upgradeRequest(), StandardCharsets.US_ASCII);
        reads.add(upgrade);
        ch.writeInbound(upgrade.retain());
        ByteBuf answer = ch.readOutbound();
        try {
            assertThat(answer.toString(StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 101");
        } finally {
            answer.release();
        }
        reads.addAll(feed(ch, frames, readSize));
        finish(ch, reads);
    }

    private static EmbeddedChannel channel(ListenerConfig listener) {
        BrokerStats stats = new BrokerStats();
        MqttChannelInitializer init = new MqttChannelInitializer(listener, SETTINGS, core.connections, null,
                new DefaultChannelGroup(GlobalEventExecutor.INSTANCE), new ConnectionLimits(SETTINGS, stats),
                new ByteCounter(stats), new ByteBudget(SETTINGS.limits().maxTotalPartialBytes()));
        EmbeddedChannel ch = new EmbeddedChannel();
        init.addCodecs(ch);
        ch.pipeline().addLast("mqtt", core.connections.newConnection(listener));
        return ch;
    }

    /** Writes {@code bytes} in reads of {@code size} while the connection is open; returns the buffers read. */
    private static List<ByteBuf> feed(EmbeddedChannel ch, byte[] bytes, int size) {
        List<ByteBuf> reads = new ArrayList<>();
        for (int at = 0; at < bytes.length && ch.isOpen(); at += size) {
            ByteBuf read = Unpooled.copiedBuffer(bytes, at, Math.min(size, bytes.length - at));
            reads.add(read);
            // One reference for the pipeline; the test keeps its own to see it released.
            ch.writeInbound(read.retain());
            ch.runPendingTasks();
            drainOutbound(ch);
        }
        return reads;
    }

    private static void finish(EmbeddedChannel ch, List<ByteBuf> reads) {
        ch.checkException();
        drainOutbound(ch);
        ch.finishAndReleaseAll();
        ch.checkException();
        for (ByteBuf read : reads) {
            assertThat(read.refCnt()).as("a read buffer still held by the pipeline").isEqualTo(1);
            read.release();
        }
    }

    private static void drainOutbound(EmbeddedChannel ch) {
        Object o;
        while ((o = ch.readOutbound()) != null) {
            ReferenceCountUtil.release(o);
        }
        while ((o = ch.readInbound()) != null) {
            ReferenceCountUtil.release(o);
        }
    }

    private static String upgradeRequest() {
        return "GET /mqtt HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(new byte[16]) + "\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: mqtt\r\n\r\n";
    }

    /** Counters around Netty's decoder: whole packets the validator passes on, messages the decoder emits. */
    private record Probes(FrameCounter frames, MessageCounter messages) {
        static Probes install(EmbeddedChannel ch) {
            Probes p = new Probes(new FrameCounter(), new MessageCounter());
            ch.pipeline().addAfter("mqtt-validator", "probe-frames", p.frames);
            ch.pipeline().addAfter("mqtt-decoder", "probe-messages", p.messages);
            return p;
        }
    }

    /** Counts the packets in each slice the validator passes on (whole packets only). */
    private static final class FrameCounter extends ChannelInboundHandlerAdapter {
        int passed;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf b) {
                int i = b.readerIndex();
                while (i < b.writerIndex()) {
                    int remaining = 0;
                    int k = 0;
                    int digit;
                    do {
                        digit = b.getUnsignedByte(i + 1 + k);
                        remaining |= (digit & 0x7F) << (7 * k);
                        k++;
                    } while ((digit & 0x80) != 0);
                    i += 1 + k + remaining;
                    passed++;
                }
                assertThat(i).as("the validator passes whole packets only").isEqualTo(b.writerIndex());
            }
            ctx.fireChannelRead(msg);
        }
    }

    private static final class MessageCounter extends ChannelInboundHandlerAdapter {
        int successes;
        int failures;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof MqttMessage m) {
                if (m.decoderResult().isSuccess()) {
                    successes++;
                } else {
                    failures++;
                }
            }
            ctx.fireChannelRead(msg);
        }
    }

    /** WebSocket frames from a client (RFC 6455), carrying an MQTT stream, with faults mixed in. */
    static final class WebSocketFrames {
        private WebSocketFrames() {
        }

        static byte[] frames(Random r, byte[] mqtt) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int at = 0;
            boolean first = true;
            while (at < mqtt.length) {
                int n = Math.min(mqtt.length - at, 1 + r.nextInt(64));
                byte[] payload = java.util.Arrays.copyOfRange(mqtt, at, at + n);
                at += n;
                int opcode = first ? 2 : (r.nextInt(3) == 0 ? 0 : 2);
                boolean fin = true;
                if (r.nextInt(12) == 0) {
                    opcode = new int[] {1, 3, 8, 9, 10, 15}[r.nextInt(6)];
                }
                if (opcode == 0) {
                    fin = r.nextBoolean();
                }
                frame(out, r, fin, opcode, payload);
                first = false;
            }
            byte[] bytes = out.toByteArray();
            if (r.nextInt(3) == 0 && bytes.length > 0) {
                // A fault in the framing itself: a bit flipped, or noise appended.
                if (r.nextBoolean()) {
                    bytes[r.nextInt(bytes.length)] ^= (byte) (1 << r.nextInt(8));
                } else {
                    byte[] noise = new byte[1 + r.nextInt(32)];
                    r.nextBytes(noise);
                    out.writeBytes(noise);
                    bytes = out.toByteArray();
                }
            }
            return bytes;
        }

        private static void frame(ByteArrayOutputStream out, Random r, boolean fin, int opcode, byte[] payload) {
            boolean masked = r.nextInt(20) != 0;
            out.write((fin ? 0x80 : 0) | (r.nextInt(30) == 0 ? 0x40 : 0) | opcode);
            int length = payload.length;
            if (r.nextInt(40) == 0) {
                // A frame announcing far more than it holds, or than the listener takes.
                out.write((masked ? 0x80 : 0) | 127);
                long huge = 1L << (20 + r.nextInt(20));
                for (int s = 56; s >= 0; s -= 8) {
                    out.write((int) (huge >>> s) & 0xFF);
                }
            } else if (length < 126 && r.nextInt(5) != 0) {
                out.write((masked ? 0x80 : 0) | length);
            } else {
                out.write((masked ? 0x80 : 0) | 126);
                out.write(length >> 8);
                out.write(length & 0xFF);
            }
            byte[] mask = new byte[4];
            if (masked) {
                r.nextBytes(mask);
                out.writeBytes(mask);
            }
            for (int i = 0; i < length; i++) {
                out.write(payload[i] ^ mask[i & 3]);
            }
        }
    }
}
