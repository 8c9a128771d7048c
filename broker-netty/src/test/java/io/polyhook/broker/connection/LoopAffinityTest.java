package io.polyhook.broker.connection;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.util.concurrent.EventExecutor;
import io.polyhook.broker.config.BrokerSettings;
import io.polyhook.broker.config.ListenerConfig;
import io.polyhook.broker.routing.RetainedStore;
import io.polyhook.broker.routing.Router;
import io.polyhook.broker.routing.SubscriptionTree;
import io.polyhook.broker.session.SessionRegistry;
import io.polyhook.broker.sys.BrokerStats;
import io.polyhook.core.hook.internal.DispatchSettings;
import io.polyhook.core.hook.internal.HookDispatcher;
import io.polyhook.core.hook.internal.HookRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Connections that talk to each other end up on one event loop: real sockets, a real server with
 * two worker loops (epoll where there is one), connections placed round-robin as the broker's
 * transport places them. A subscriber that hears from one publisher on another loop moves there
 * without losing, duplicating or reordering a message; a fan-out does not pile every subscriber
 * onto the publisher's loop.
 */
class LoopAffinityTest {

    private static final int TIMEOUT_MILLIS = 30_000;

    private final HookRegistry hooks = new HookRegistry();
    private final HookDispatcher dispatcher = new HookDispatcher(hooks, DispatchSettings.defaults());
    private final BrokerSettings settings = BrokerSettings.DEFAULT.withAllowAnonymous(true);
    private final BrokerStats stats = new BrokerStats();
    private final SessionRegistry sessions = new SessionRegistry(settings, dispatcher,
            new Router(settings, new SubscriptionTree(), new RetainedStore()), stats);
    private final Connections connections = new Connections(settings, dispatcher, sessions, stats);
    private final List<RawClient> clients = new ArrayList<>();
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private Channel server;

    @BeforeEach
    void startServer() {
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> type = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        boss = new MultiThreadIoEventLoopGroup(1, io);
        workers = new MultiThreadIoEventLoopGroup(2, io);
        ListenerConfig listener = ListenerConfig.of(ListenerConfig.Kind.TCP, "127.0.0.1", 0);
        server = new ServerBootstrap().group(boss, workers).channel(type)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new MqttDecoder(), MqttEncoder.INSTANCE, connections.newConnection(listener));
                    }
                })
                .bind("127.0.0.1", 0).syncUninterruptibly().channel();
    }

    @AfterEach
    void stop() throws IOException {
        for (RawClient c : clients) {
            c.close();
        }
        server.close().syncUninterruptibly();
        boss.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        dispatcher.close();
    }

    private RawClient connect(String clientId) throws IOException {
        RawClient c = new RawClient(((InetSocketAddress) server.localAddress()).getPort(), clientId);
        clients.add(c);
        return c;
    }

    /** Connections per worker loop, in the group's order. */
    private List<Integer> perLoop() {
        List<Integer> out = new ArrayList<>();
        for (EventExecutor loop : workers) {
            out.add(connections.placement.count(loop));
        }
        return out;
    }

    /** One message at a time, each delivered and acknowledged before the next: every one its own burst. */
    private static void publishOneByOne(RawClient pub, List<RawClient> subs, int from, int count) throws IOException {
        for (int i = from; i < from + count; i++) {
            pub.publishQos1("t", i, "m" + i);
            for (RawClient sub : subs) {
                assertThat(sub.receivePublish()).isEqualTo("m" + i);
            }
            assertThat(pub.readPacket()[0] & 0xF0).as("PUBACK %d", i).isEqualTo(0x40);
        }
    }

    @Test
    void aSubscriberMovesToTheLoopOfItsPublisherAndLosesNothing() throws IOException {
        RawClient sub = connect("sub");
        sub.subscribe("t");
        RawClient pub = connect("pub");
        // Round-robin: one connection on each loop.
        assertThat(perLoop()).containsExactly(1, 1);

        publishOneByOne(pub, List.of(sub), 1, 4 * LoopAffinity.STREAK);

        assertThat(perLoop()).containsExactlyInAnyOrder(2, 0);
        // On the same loop now: messages, acknowledgements and pings go on.
        publishOneByOne(pub, List.of(sub), 1 + 4 * LoopAffinity.STREAK, 50);
        sub.ping();
    }

    @Test
    void aFanOutKeepsSubscribersOnEveryLoop() throws IOException {
        List<RawClient> subs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            RawClient s = connect("sub" + i);
            s.subscribe("t");
            subs.add(s);
        }
        RawClient pub = connect("pub");

        publishOneByOne(pub, subs, 1, 4 * LoopAffinity.STREAK);

        // Six connections on two loops: the publisher's takes at most one above its fair share of three.
        assertThat(perLoop()).allSatisfy(n -> assertThat(n).isBetween(2, 4));
        assertThat(perLoop().stream().mapToInt(Integer::intValue).sum()).isEqualTo(6);
    }

    /** A minimal MQTT 3.1.1 client over a blocking socket: one packet at a time. */
    private static final class RawClient implements AutoCloseable {
        private final Socket socket;
        private final OutputStream out;
        private final DataInputStream in;

        RawClient(int port, String clientId) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            socket.setTcpNoDelay(true);
            out = socket.getOutputStream();
            in = new DataInputStream(socket.getInputStream());
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            string(body, "MQTT");
            body.write(4);
            body.write(0x02); // clean session
            body.write(0);
            body.write(30); // keep-alive 30 s: the broker's idle handler is in the pipeline
            string(body, clientId);
            send(0x10, body);
            byte[] connAck = readPacket();
            assertThat(connAck[0] & 0xF0).isEqualTo(0x20);
            assertThat(connAck[connAck.length - 1]).isZero();
        }

        void subscribe(String filter) throws IOException {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.write(0);
            body.write(1);
            string(body, filter);
            body.write(1);
            send(0x82, body);
            assertThat(readPacket()[0] & 0xF0).isEqualTo(0x90);
        }

        void publishQos1(String topic, int packetId, String payload) throws IOException {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            string(body, topic);
            body.write(packetId >> 8);
            body.write(packetId & 0xFF);
            body.writeBytes(payload.getBytes(StandardCharsets.UTF_8));
            send(0x32, body);
        }

        /** The payload of the next PUBLISH, acknowledged. */
        String receivePublish() throws IOException {
            byte[] p = readPacket();
            assertThat(p[0] & 0xF0).isEqualTo(0x30);
            int i = headerLength(p);
            int topicLength = ((p[i] & 0xFF) << 8) | (p[i + 1] & 0xFF);
            i += 2 + topicLength;
            int packetId = ((p[i] & 0xFF) << 8) | (p[i + 1] & 0xFF);
            i += 2;
            String payload = new String(p, i, p.length - i, StandardCharsets.UTF_8);
            out.write(new byte[] {0x40, 2, (byte) (packetId >> 8), (byte) packetId});
            out.flush();
            return payload;
        }

        void ping() throws IOException {
            out.write(new byte[] {(byte) 0xC0, 0});
            out.flush();
            assertThat(readPacket()[0] & 0xFF).isEqualTo(0xD0);
        }

        /** The next packet, fixed header included. */
        byte[] readPacket() throws IOException {
            ByteArrayOutputStream p = new ByteArrayOutputStream();
            p.write(in.readUnsignedByte());
            int length = 0;
            int shift = 0;
            int b;
            do {
                b = in.readUnsignedByte();
                p.write(b);
                length |= (b & 0x7F) << shift;
                shift += 7;
            } while ((b & 0x80) != 0);
            byte[] rest = new byte[length];
            in.readFully(rest);
            p.writeBytes(rest);
            return p.toByteArray();
        }

        private static int headerLength(byte[] packet) {
            int i = 1;
            while ((packet[i] & 0x80) != 0) {
                i++;
            }
            return i + 1;
        }

        private void send(int header, ByteArrayOutputStream body) throws IOException {
            ByteArrayOutputStream p = new ByteArrayOutputStream();
            p.write(header);
            int length = body.size();
            do {
                int digit = length % 128;
                length /= 128;
                p.write(length > 0 ? digit | 0x80 : digit);
            } while (length > 0);
            body.writeTo(p);
            out.write(p.toByteArray());
            out.flush();
        }

        private static void string(ByteArrayOutputStream b, String s) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            b.write(bytes.length >> 8);
            b.write(bytes.length & 0xFF);
            b.writeBytes(bytes);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
