package io.polyhook.broker.transport;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.polyhook.broker.BoundListener;
import io.polyhook.broker.config.BrokerSettings;
import io.polyhook.broker.config.ConfigException;
import io.polyhook.broker.config.ListenerConfig;
import io.polyhook.broker.connection.Connections;
import io.polyhook.broker.failure.FatalErrorHandler;
import io.polyhook.broker.session.ByteBudget;
import io.polyhook.broker.sys.BrokerStats;
import io.polyhook.broker.sys.SysPublisher;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The network side: binds the configured listeners on Netty event loops (epoll on Linux when
 * available, NIO otherwise) and closes them again.
 */
@Singleton
public final class Transport implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Transport.class);

    private final BrokerSettings settings;
    private final Connections protocol;
    private final boolean epoll = Epoll.isAvailable();
    private final EventLoops loops;
    private final ChannelGroup connections = new DefaultChannelGroup("polyhook-connections", GlobalEventExecutor.INSTANCE);
    private final List<Channel> servers = new ArrayList<>();
    private final ConnectionLimits limits;
    private final ByteCounter bytes;
    private final SysPublisher sys;
    // What unfinished packets of every connection hold together (broker.max_total_partial_bytes).
    private final ByteBudget partialBytes;

    /** Event loops for the connections {@code protocol} serves; nothing is bound until {@link #bind}. */
    @Inject
    public Transport(BrokerSettings settings, Connections protocol, BrokerStats stats,
                     SysPublisher sys, FatalErrorHandler fatal) {
        this.sys = sys;
        this.partialBytes = new ByteBudget(settings.limits().maxTotalPartialBytes());
        this.limits = new ConnectionLimits(settings, stats);
        this.bytes = new ByteCounter(stats);
        this.settings = settings;
        this.protocol = protocol;
        this.loops = new EventLoops(fatal);
    }

    /** Binds every listener; on a failure closes those already bound and throws naming the listener. */
    public List<BoundListener> bind(List<ListenerConfig> listeners) {
        List<BoundListener> bound = new ArrayList<>();
        for (int i = 0; i < listeners.size(); i++) {
            ListenerConfig l = listeners.get(i);
            SslContext ssl = l.type().isTls() ? TlsContexts.of(l, i) : null;
            Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
            ServerBootstrap b = new ServerBootstrap()
                    .group(loops.boss(), loops.workers())
                    .channel(channelType)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new MqttChannelInitializer(l, settings, protocol, ssl, connections, limits, bytes,
                            partialBytes));
            Channel server;
            try {
                server = b.bind(l.host(), l.port()).syncUninterruptibly().channel();
            } catch (Exception e) { // syncUninterruptibly rethrows the bind's IOException (port in use) unchecked
                closeServers();
                throw new ConfigException("listeners[" + i + "].address",
                        "cannot listen on " + l.address() + ": " + e.getMessage());
            }
            servers.add(server);
            InetSocketAddress local = (InetSocketAddress) server.localAddress();
            BoundListener bl = new BoundListener(l.type().configName(), l.host(), local.getPort(),
                    l.type().isWebSocket() ? l.path() : "", l.mountpoint());
            bound.add(bl);
            LOG.info("listening for MQTT on {} ({}{})", l.host() + ":" + local.getPort(), l.type().configName(),
                    l.type().isWebSocket() ? " " + l.path() : "");
        }
        // $SYS statistics start with the listeners: before them there is nobody to read them.
        sys.start();
        return bound;
    }

    /** Stops accepting new connections. */
    public void closeServers() {
        for (Channel s : servers) {
            s.close().syncUninterruptibly();
        }
        servers.clear();
    }

    /** The open client connections. */
    public int connectionCount() {
        return connections.size();
    }

    /** Waits up to {@code millis} for every client connection to close, then closes the rest. */
    public void awaitConnectionsClosed(long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!connections.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        connections.close().awaitUninterruptibly(millis);
    }

    @Override
    public void close() {
        sys.close();
        closeServers();
        connections.close().awaitUninterruptibly(5_000);
        loops.close();
    }
}
