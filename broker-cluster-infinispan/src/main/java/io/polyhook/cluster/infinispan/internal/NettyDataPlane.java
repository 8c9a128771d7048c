package io.polyhook.cluster.infinispan.internal;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.polyhook.broker.cluster.ClusterException;
import io.polyhook.broker.config.ClusterSettings;
import io.polyhook.broker.cluster.DataPlane;
import io.polyhook.broker.cluster.ForwardedMessage;
import io.polyhook.broker.cluster.MessageId;
import io.polyhook.broker.cluster.RemoteDelivery;
import io.polyhook.broker.routing.Message;
import io.polyhook.spi.Registration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The node-to-node link on Netty: a server on {@code cluster.data_plane} that reads what peers
 * send, and one {@link PeerLink} per peer that writes. Besides messages it carries requests and
 * their responses (takeovers, hand-overs, commands), in the same order as the messages around
 * them. Delivery handlers run on the event loop that read the frame (one per peer, so each
 * peer's order holds); request handlers and response continuations run on virtual threads.
 */
public final class NettyDataPlane implements DataPlane, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NettyDataPlane.class);
    private static final int MAX_FRAME = Wire.MAX_BYTES + 65_536;
    private static final int MAX_ITEMS = 1_000_000;
    static final int STATUS_OK = 0;

    /** Answers a request: gets the sender and the body, returns the response body. */
    public interface RequestHandler {
        CompletionStage<byte[]> handle(String from, ByteBuf body);
    }

    private final String self;
    private final long maxQueuedBytes;
    private final Duration requestTimeout;
    private final Function<String, Optional<InetSocketAddress>> addressOf;
    private final ExecutorService workers;
    private final EventLoopGroup group;
    private final Channel server;
    private final Counters counters = new Counters();
    private final Map<String, PeerLink> links = new ConcurrentHashMap<>();
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final Map<Integer, RequestHandler> handlers = new ConcurrentHashMap<>();
    private final List<Consumer<RemoteDelivery>> deliveryHandlers = new CopyOnWriteArrayList<>();
    private final List<Consumer<ForwardedMessage>> forwardHandlers = new CopyOnWriteArrayList<>();
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong requestIds = new AtomicLong();
    private volatile Set<String> blocked = Set.of();

    private record Pending(String node, CompletableFuture<byte[]> future) {
    }

    /**
     * Binds the server to {@code bind} (port 0: a free port). {@code addressOf} gives each peer's
     * data-plane address; {@code workers} runs request handlers.
     */
    public NettyDataPlane(String self, ClusterSettings.Endpoint bind, long maxQueuedBytes, Duration requestTimeout,
                          Function<String, Optional<InetSocketAddress>> addressOf, ExecutorService workers)
            throws Exception {
        this.self = self;
        this.maxQueuedBytes = maxQueuedBytes;
        this.requestTimeout = requestTimeout;
        this.addressOf = addressOf;
        this.workers = workers;
        this.group = new MultiThreadIoEventLoopGroup(Math.max(2, Runtime.getRuntime().availableProcessors()),
                new DefaultThreadFactory("polyhook-data-plane", true), NioIoHandler.newFactory());
        try {
            this.server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(MAX_FRAME, 0, 4, 0, 4),
                                    new Inbound());
                        }
                    })
                    .bind(new InetSocketAddress(InetAddress.getByName(bind.host()), bind.port())).sync().channel();
        } catch (Exception e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** Where the server listens. */
    public InetSocketAddress boundAddress() {
        return (InetSocketAddress) server.localAddress();
    }

    @Override
    public MessageId newId() {
        return new MessageId(self, sequence.incrementAndGet());
    }

    @Override
    public boolean send(String node, RemoteDelivery delivery) {
        PeerLink link = link(node);
        if (link == null || !link.offer(new Outgoing.Delivery(delivery))) {
            counters.dropped.increment();
            return false;
        }
        return true;
    }

    @Override
    public Registration onDelivery(Consumer<RemoteDelivery> handler) {
        deliveryHandlers.add(handler);
        return () -> deliveryHandlers.remove(handler);
    }

    @Override
    public boolean forward(String node, ForwardedMessage message) {
        PeerLink link = link(node);
        if (link == null || !link.offer(new Outgoing.Forward(message))) {
            counters.dropped.increment();
            return false;
        }
        return true;
    }

    @Override
    public Registration onForward(Consumer<ForwardedMessage> handler) {
        forwardHandlers.add(handler);
        return () -> forwardHandlers.remove(handler);
    }

    @Override
    public Stats stats() {
        return counters.snapshot();
    }

    /** Registers the handler of requests with operation code {@code op}. */
    public void onRequest(int op, RequestHandler handler) {
        handlers.put(op, handler);
    }

    /**
     * Sends a request to {@code node}; the stage completes with the response body, or fails with
     * a {@link ClusterException} (unreachable, timed out, refused by the peer).
     */
    public CompletableFuture<byte[]> request(String node, int op, byte[] body) {
        return request(node, op, body, requestTimeout);
    }

    /** As {@link #request(String, int, byte[])}, waiting up to {@code timeout} for the answer. */
    public CompletableFuture<byte[]> request(String node, int op, byte[] body, Duration timeout) {
        PeerLink link = link(node);
        if (link == null) {
            return CompletableFuture.failedFuture(new ClusterException(ClusterException.Reason.UNREACHABLE,
                    "node " + node + " is not reachable"));
        }
        long id = requestIds.incrementAndGet();
        CompletableFuture<byte[]> future = new CompletableFuture<>();
        pending.put(id, new Pending(node, future));
        if (!link.offer(new Outgoing.Request(id, op, body))) {
            pending.remove(id);
            return CompletableFuture.failedFuture(new ClusterException(ClusterException.Reason.UNREACHABLE,
                    "the link to " + node + " is full or closed"));
        }
        group.schedule(() -> {
            Pending p = pending.remove(id);
            if (p != null) {
                p.future.completeExceptionally(new ClusterException(ClusterException.Reason.TIMEOUT,
                        "node " + node + " did not answer within " + timeout.toMillis() + " ms"));
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        // Continuations run off the event loop that read the response.
        return future.thenApplyAsync(b -> b, workers);
    }

    /** The peer left the view: close its link and fail what waits for it. */
    public void peerGone(String node) {
        PeerLink link = links.remove(node);
        if (link != null) {
            link.close();
        }
        pending.entrySet().removeIf(e -> {
            if (e.getValue().node.equals(node)) {
                e.getValue().future.completeExceptionally(new ClusterException(ClusterException.Reason.UNREACHABLE,
                        "node " + node + " left"));
                return true;
            }
            return false;
        });
    }

    /** Cuts this node off from {@code nodes} (tests of a split): sends to them are refused. */
    public void block(Set<String> nodes) {
        blocked = Set.copyOf(nodes);
        nodes.forEach(this::peerGone);
    }

    /** The link to {@code node} if one is open (tests hold its event loop to gather a burst). */
    PeerLink existingLink(String node) {
        return links.get(node);
    }

    private PeerLink link(String node) {
        if (node.equals(self) || blocked.contains(node)) {
            return null;
        }
        PeerLink link = links.get(node);
        if (link != null) {
            return link;
        }
        Optional<InetSocketAddress> address = addressOf.apply(node);
        if (address.isEmpty()) {
            return null;
        }
        return links.computeIfAbsent(node, n -> new PeerLink(self, n, address.get(), group, maxQueuedBytes, counters));
    }

    private void respond(String to, long id, int status, byte[] body) {
        PeerLink link = link(to);
        if (link == null || !link.offer(new Outgoing.Response(id, status, body))) {
            LOG.debug("cannot answer request {} of {}: link unavailable", id, to);
        }
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        links.values().forEach(PeerLink::close);
        links.clear();
        pending.values().forEach(p -> p.future.completeExceptionally(
                new ClusterException(ClusterException.Reason.UNREACHABLE, "this node is stopping")));
        pending.clear();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** Reads one peer's frames: a hello naming the peer, then batches. */
    private final class Inbound extends SimpleChannelInboundHandler<ByteBuf> {

        private String peer;
        // Whether this link has logged a message that nothing here could take (this node is leaving).
        private boolean toldUnhandled;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
            try {
                int type = frame.readUnsignedByte();
                if (type == PeerLink.HELLO && peer == null) {
                    peer = Wire.readString(frame);
                    return;
                }
                if (type != PeerLink.BATCH || peer == null) {
                    throw new Wire.WireException("unexpected frame type " + type);
                }
                int count = Wire.readCount(frame, MAX_ITEMS);
                long now = System.nanoTime();
                for (int i = 0; i < count; i++) {
                    item(frame, now);
                }
            } catch (RuntimeException e) {
                LOG.warn("closing the data-plane link from {}: malformed frame ({})", peer == null ? "an unknown peer"
                        : peer, e.getMessage());
                ctx.close();
            }
        }

        private void item(ByteBuf in, long now) {
            int kind = in.readUnsignedByte();
            switch (kind) {
                case Outgoing.DELIVERY -> {
                    MessageId id = new MessageId(Wire.readString(in), in.readLong());
                    String mountpoint = Wire.readString(in);
                    boolean subscribers = in.readBoolean();
                    int n = in.readUnsignedShort();
                    List<String> groups = n == 0 ? List.of() : new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        groups.add(Wire.readString(in));
                    }
                    Message m = MessageCodec.read(in, now, 0, false);
                    counters.received.increment();
                    RemoteDelivery d = new RemoteDelivery(id, mountpoint, m, subscribers, groups);
                    if (deliveryHandlers.isEmpty()) {
                        unhandled();
                    }
                    for (Consumer<RemoteDelivery> h : deliveryHandlers) {
                        try {
                            h.accept(d);
                        } catch (RuntimeException e) {
                            LOG.warn("delivery handler failed on a message from {}: {}", peer, e.toString());
                        }
                    }
                }
                case Outgoing.FORWARD -> {
                    MessageId id = new MessageId(Wire.readString(in), in.readLong());
                    io.polyhook.spi.SubscriberId client = new io.polyhook.spi.SubscriberId(Wire.readString(in),
                            Wire.readString(in));
                    Message m = MessageCodec.read(in, now, 0, false);
                    counters.received.increment();
                    ForwardedMessage f = new ForwardedMessage(id, client, m);
                    if (forwardHandlers.isEmpty()) {
                        unhandled();
                    }
                    for (Consumer<ForwardedMessage> h : forwardHandlers) {
                        try {
                            h.accept(f);
                        } catch (RuntimeException e) {
                            LOG.warn("forward handler failed on a message from {}: {}", peer, e.toString());
                        }
                    }
                }
                case Outgoing.REQUEST -> {
                    long id = in.readLong();
                    int op = in.readUnsignedByte();
                    byte[] body = Wire.readBytes(in);
                    String from = peer;
                    workers.execute(() -> handle(from, id, op, body));
                }
                case Outgoing.RESPONSE -> {
                    long id = in.readLong();
                    int status = in.readUnsignedByte();
                    byte[] body = Wire.readBytes(in);
                    Pending p = pending.remove(id);
                    if (p == null) {
                        return;
                    }
                    if (status == STATUS_OK) {
                        p.future.complete(body);
                    } else {
                        ClusterException.Reason reason = status - 1 < ClusterException.Reason.values().length
                                ? ClusterException.Reason.values()[status - 1] : ClusterException.Reason.REFUSED;
                        p.future.completeExceptionally(new ClusterException(reason,
                                Wire.readString(Unpooled.wrappedBuffer(body))));
                    }
                }
                default -> throw new Wire.WireException("item kind " + kind);
            }
        }

        /** A message came that no handler takes: the broker is unplugged (leaving), or not plugged in yet. */
        private void unhandled() {
            counters.dropped.increment();
            if (!toldUnhandled) {
                toldUnhandled = true;
                LOG.warn("messages from {} are dropped: this node's broker takes none now (it is leaving or "
                        + "starting); the data plane counts them", peer);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("data-plane link from {} failed: {}", peer, cause.toString());
            ctx.close();
        }
    }

    private void handle(String from, long id, int op, byte[] body) {
        RequestHandler h = handlers.get(op);
        if (h == null) {
            respondError(from, id, new ClusterException(ClusterException.Reason.REFUSED, "unknown request " + op));
            return;
        }
        CompletionStage<byte[]> answer;
        try {
            answer = h.handle(from, Unpooled.wrappedBuffer(body));
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        answer.whenComplete((out, e) -> {
            if (e == null) {
                respond(from, id, STATUS_OK, out);
            } else {
                respondError(from, id, e);
            }
        });
    }

    private void respondError(String to, long id, Throwable e) {
        Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        ClusterException.Reason reason = cause instanceof ClusterException c ? c.reason() : ClusterException.Reason.REFUSED;
        ByteBuf b = Unpooled.buffer();
        Wire.writeString(b, String.valueOf(cause.getMessage()));
        byte[] body = new byte[b.readableBytes()];
        b.readBytes(body);
        respond(to, id, reason.ordinal() + 1, body);
    }
}
