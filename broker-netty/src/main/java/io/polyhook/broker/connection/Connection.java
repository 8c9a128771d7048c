package io.polyhook.broker.connection;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttIdentifierRejectedException;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttUnacceptableProtocolVersionException;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.polyhook.broker.codec.Mqtt3Encoding;
import io.polyhook.broker.codec.MqttViolation;
import io.polyhook.broker.codec.Packets;
import io.polyhook.broker.codec.ProblemInformation;
import io.polyhook.broker.codec.PropertyMapping;
import io.polyhook.broker.config.ListenerConfig;
import io.polyhook.broker.hookbridge.HookContexts;
import io.polyhook.broker.hookbridge.ProtocolHooks;
import io.polyhook.broker.hookbridge.Refusal;
import io.polyhook.broker.logging.RefusedLogins;
import io.polyhook.broker.routing.DeliveryTarget;
import io.polyhook.broker.routing.Message;
import io.polyhook.broker.session.ClientConnection;
import io.polyhook.broker.session.InFlight;
import io.polyhook.broker.session.Session;
import io.polyhook.core.hook.internal.ClientLane;
import io.polyhook.spi.MqttVersion;
import io.polyhook.spi.Peer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Optional;

/**
 * One client connection: its {@link ConnectionState}, who the client is, its policy, and the
 * flows that serve each family of packets ({@link ConnectFlow}, {@link EnhancedAuth},
 * {@link InboundPublishFlow}, {@link SubscribeFlow}, {@link OutboundFlow}), fed in order by its
 * {@link InboundSequencer}. Every way a connection ends goes through here and its
 * {@link Disconnector}: a DISCONNECT with a reason code for an admitted MQTT 5 client, a plain
 * close otherwise. To its session it is the {@link ClientConnection}.
 *
 * <p>Event loop only, except the {@link ClientConnection} methods, which hop onto it.
 */
final class Connection implements ClientConnection, InboundSequencer.PacketHandler {

    private static final Logger LOG = LoggerFactory.getLogger(Connection.class);

    final Connections services;
    final ChannelHandlerContext ctx;
    final ListenerConfig listener;
    final InboundSequencer sequencer;
    final ReadGate gate;
    private final InboundPublishFlow publishes;
    private ConnectionState state = ConnectionState.AWAITING_CONNECT;

    // Who the client is: set at CONNECT (the register hook may rewrite mountpoint, id and user name).
    MqttVersion version;
    ProtocolHooks hooks;
    String clientId;
    String mountpoint;
    Optional<String> username = Optional.empty();
    ClientLane lane;
    ProblemInformation problems = ProblemInformation.DEFAULT;
    ClientPolicy policy = ClientPolicy.DEFAULT;
    // With an MQTT 5 authentication method only.
    EnhancedAuth auth;
    // The will, until it is published or discarded.
    Will will;
    // From the moment the client is admitted.
    Session session;
    OutboundFlow outbound;
    private ScheduledFuture<?> lifetimeTimer;
    // The event loop counted as serving this connection (LoopPlacement); null once closed.
    private EventExecutor placedOn;

    Connection(Connections services, ChannelHandlerContext ctx, ListenerConfig listener) {
        this.services = services;
        this.ctx = ctx;
        this.listener = listener;
        this.mountpoint = listener.mountpoint();
        this.gate = new ReadGate(ctx);
        // The loop of the moment: a connection may move to another one (LoopAffinity).
        this.sequencer = new InboundSequencer(task -> services.handBack.apply(ctx.executor()).execute(task), this,
                services.settings.maxPending(), gate);
        this.publishes = new InboundPublishFlow(this);
        // The loop's own state, ready before the first read: made by the stream's first count or
        // flush on a loop that never served a client, it deoptimized the compiled stream
        // (BrokerStats.prepareLoop).
        services.stats.prepareLoop();
        LoopFlushes.get();
        this.placedOn = ctx.executor();
        services.placement.opened(placedOn);
    }

    /**
     * A will and its MQTT 5 delay.
     *
     * @param message      the will message, authorized
     * @param delaySeconds the will delay interval, 0 for none
     */
    record Will(Message message, long delaySeconds) {
    }

    ConnectionState state() {
        return state;
    }

    void state(ConnectionState next) {
        state = next;
    }

    String clientId() {
        return clientId;
    }

    boolean isMqtt5() {
        return version != null && version.isMqtt5();
    }

    InboundPublishFlow publishes() {
        return publishes;
    }

    // ---------------------------------------------------------------- inbound, in order

    /** A packet read from the client (a PUBLISH as {@link InboundPublish}). */
    void received(Object packet) {
        sequencer.submit(packet);
    }

    @Override
    public boolean pipelines(Object packet) {
        return packet instanceof InboundPublish;
    }

    @Override
    public void handle(Object packet) {
        if (packet instanceof InboundPublish p) {
            publishes.publish(p);
            return;
        }
        MqttMessage m = (MqttMessage) packet;
        if (m.decoderResult().isFailure()) {
            malformed(m.decoderResult().cause());
            return;
        }
        MqttMessageType type = m.fixedHeader().messageType();
        if (type == MqttMessageType.CONNECT) {
            if (state != ConnectionState.AWAITING_CONNECT) {
                protocolError("second CONNECT");
                return;
            }
            new ConnectFlow(this, (MqttConnectMessage) m).start();
            return;
        }
        if (type == MqttMessageType.AUTH) {
            if (auth == null) {
                protocolError("AUTH without enhanced authentication");
                return;
            }
            auth.received(m);
            return;
        }
        if (!state.isConnected()) {
            protocolError(type + " before CONNECT");
            return;
        }
        switch (type) {
            case PUBACK, PUBCOMP -> outbound.acknowledged(packetId(m));
            case PUBREC -> outbound.received(m);
            case PUBREL -> publishes.released(packetId(m));
            case SUBSCRIBE -> SubscribeFlow.subscribe(this, (MqttSubscribeMessage) m);
            case UNSUBSCRIBE -> SubscribeFlow.unsubscribe(this, (MqttUnsubscribeMessage) m);
            case PINGREQ -> send(Packets.pingResp());
            case DISCONNECT -> clientDisconnected(m);
            default -> protocolError("unexpected " + type);
        }
    }

    private static int packetId(MqttMessage m) {
        return ((MqttMessageIdVariableHeader) m.variableHeader()).messageId();
    }

    @Override
    public void failed(RuntimeException e) {
        LOG.warn("client {}: closing after an internal error: {}", clientId, e.toString());
        LOG.debug("internal error", e);
        sequencer.abandon();
        closeNow();
    }

    // ---------------------------------------------------------------- admitted

    /** The client was admitted and attached to {@code attached}; its lifetime limit starts. */
    void admitted(Session attached) {
        session = attached;
        state = ConnectionState.CONNECTED;
        services.stats.clientConnected(1);
        if (policy.lifetimeSeconds() > 0) {
            lifetimeTimer = ctx.executor().schedule(() -> {
                if (state.isOpen()) {
                    disconnect(Packets.MAXIMUM_CONNECT_TIME, "max_connection_lifetime reached");
                }
            }, policy.lifetimeSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    /**
     * Whether the connection may move to another event loop now: admitted, and nothing of it in
     * flight between threads that would come back to this loop (verdicts, store commits, timers
     * of its own, an offline backlog, {@code on_deliver} calls).
     */
    boolean movable() {
        return state == ConnectionState.CONNECTED && lifetimeTimer == null && sequencer.idle() && gate.idle()
                && publishes.settled() && outbound.movable();
    }

    /** The connection is counted as served by {@code loop} from now on (LoopPlacement did the counting). */
    void placedOn(EventExecutor loop) {
        if (placedOn != null) {
            placedOn = loop;
        }
    }

    /**
     * Runs {@code task} on the connection's event loop, from any thread: on the loop it is served
     * by when the task runs, should it have moved meanwhile.
     */
    private void onLoop(Runnable task) {
        ctx.executor().execute(() -> {
            if (ctx.executor().inEventLoop()) {
                task.run();
            } else {
                onLoop(task);
            }
        });
    }

    /**
     * Writes and flushes a reply (CONNACK, SUBACK, PINGRESP, ...) that nothing waits on. With the
     * void promise, as the deliveries are written: every write of an open connection then carries
     * one promise class, so a new client's CONNACK and SUBACK do not meet JIT code compiled for
     * PUBLISH traffic alone with a class it never saw. That deoptimized and recompiled Netty's
     * whole write path at each wave of new connections (ChannelOutboundBuffer.progress,
     * safeSuccess; -Xlog:deoptimization=debug), costing latency in the first 200 ms after it.
     * A failed write reaches exceptionCaught, which closes the connection.
     *
     * <p>Written, then flushed, rather than {@code writeAndFlush}: the deliveries and PUBACKs
     * ({@link Outbox}) are written without flush and flushed per burst, so Netty's
     * {@code AbstractChannelHandlerContext.write(Object, boolean, ChannelPromise)} was compiled for
     * {@code flush == false} only, and the first CONNACK or SUBACK of a new client took the branch
     * it never saw ({@code unstable_if} at bci 11, which drops the compiled write path). For the
     * same reason an MQTT 3 client's CONNACK, SUBACK, UNSUBACK and PINGRESP are written as buffers,
     * as its deliveries and PUBACKs are ({@link Mqtt3Encoding#reply}).
     */
    void send(Object packet) {
        Object out = !isMqtt5() && packet instanceof MqttMessage m ? Mqtt3Encoding.reply(m, ctx.alloc()) : packet;
        ctx.write(out, ctx.voidPromise());
        ctx.flush();
    }

    /** The socket can take more: what waits for it goes out. */
    void writable() {
        if (state.isOpen() && outbound != null) {
            outbound.writable();
        }
    }

    /** Tells {@code on_publish} handlers about a message this client published (or its will). */
    void firePublished(String target, Message routed) {
        if (services.dispatcher.has(hooks.onPublish())) {
            services.dispatcher.notify(lane, hooks.onPublish(), HookContexts.publish(version, target, clientId, username,
                    routed));
        }
    }

    // ---------------------------------------------------------------- ClientConnection (any thread)

    @Override
    public DeliveryTarget outbound() {
        return outbound;
    }

    @Override
    public void takenOver() {
        onLoop(() -> {
            if (state.isOpen()) {
                disconnect(Packets.SESSION_TAKEN_OVER, "session taken over");
            }
        });
    }

    @Override
    public void kick(boolean sessionDiscarded) {
        onLoop(() -> {
            if (state.isOpen()) {
                disconnect(Packets.ADMINISTRATIVE_ACTION, sessionDiscarded ? "disconnected, session discarded"
                        : "disconnected by an administrator");
            }
        });
    }

    @Override
    public void shutdown() {
        onLoop(() -> {
            if (state.isOpen()) {
                disconnect(Packets.SERVER_SHUTTING_DOWN, "the broker is shutting down");
            }
        });
    }

    @Override
    public void resendTakenOver(List<InFlight> entries, List<Message> pending) {
        // Even with none: what this connection sends waits for them (OutboundFlow.awaitHandover).
        onLoop(() -> outbound.resendTakenOver(entries, pending));
    }

    // ---------------------------------------------------------------- the end of a connection

    /** The client's DISCONNECT: reason 0x04 keeps the will, any other discards it. */
    private void clientDisconnected(MqttMessage m) {
        int reason = 0;
        if (isMqtt5() && m.variableHeader() instanceof MqttReasonCodeAndPropertiesVariableHeader vh) {
            reason = vh.reasonCode() & 0xFF;
            try {
                PropertyMapping.fromWire(vh.properties()).sessionExpiryInterval().ifPresent(session::expirySeconds);
            } catch (IllegalArgumentException e) {
                LOG.debug("client {}: ignoring invalid DISCONNECT properties", clientId);
            }
        }
        if (reason != 0x04) {
            will = null;
        }
        stopHandling();
        Disconnector.STANDARD.close(ctx);
    }

    /** A protocol violation: DISCONNECT 0x82 for MQTT 5, a close for MQTT 3. */
    void protocolError(String what) {
        LOG.debug("client {}: protocol error: {}", clientId, what);
        disconnect(Packets.PROTOCOL_ERROR, what);
    }

    /** Ends the connection: an admitted MQTT 5 client gets DISCONNECT {@code reasonCode}, others a close. */
    void disconnect(int reasonCode, String why) {
        disconnect(Refusal.of(reasonCode), why);
    }

    /**
     * As {@link #disconnect(int, String)}, with the refusal's reason string if the client takes
     * it. An MQTT 5 DISCONNECT takes up to the {@link Disconnector}'s drain time to reach the
     * client; the session is given back now, not then.
     */
    void disconnect(Refusal refusal, String why) {
        LOG.debug("client {}: disconnecting: {}", clientId, why);
        boolean attached = state.isConnected() || (state == ConnectionState.CLOSING && session != null);
        stopHandling();
        if (attached && isMqtt5()) {
            MqttProperties props = problems.reasonString(refusal.reasonString(), true, 1);
            Disconnector.STANDARD.send(ctx, Packets.disconnect(refusal.reasonCode(), props));
            leaveSession();
        } else {
            Disconnector.STANDARD.close(ctx);
        }
    }

    /** Refuses the CONNECT with CONNACK {@code code} (and {@code props}, MQTT 5), then closes. */
    void refuse(MqttConnectReturnCode code, String why, MqttProperties props) {
        LOG.debug("client {} refused: {} ({})", clientId, code, why);
        RefusedLogins.LOG.refused(clientId, username, peer(), code + " (" + why + ")");
        will = null;
        stopHandling();
        Disconnector.STANDARD.send(ctx, Packets.connAck(code, false, props));
    }

    /** Refuses the CONNECT with CONNACK {@code code}, without properties. */
    void refuse(MqttConnectReturnCode code, String why) {
        refuse(code, why, MqttProperties.NO_PROPERTIES);
    }

    /** A packet that failed to decode: the CONNACK or DISCONNECT that says why, or a close. */
    private void malformed(Throwable cause) {
        LOG.debug("client {}: malformed packet: {}", clientId, cause == null ? "?" : cause.getMessage());
        if (cause instanceof MqttUnacceptableProtocolVersionException) {
            refuse(MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION, "unacceptable protocol version");
        } else if (cause instanceof MqttIdentifierRejectedException) {
            refuse(MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED, "identifier rejected");
        } else if (state.isConnected()) {
            disconnect(Packets.reasonCodeOf(cause), "malformed packet");
        } else if (state == ConnectionState.AWAITING_CONNECT && cause instanceof MqttViolation v && v.inConnect()
                && v.mqtt5()) {
            // MQTT 5 §4.13.1: a CONNECT that breaks the protocol may be answered with a CONNACK that says how.
            refuse(io.polyhook.broker.hookbridge.ReasonCodes.connAck5(v.reasonCode()), "malformed CONNECT");
        } else {
            stopHandling();
            Disconnector.STANDARD.close(ctx);
        }
    }

    /** Keep-alive ran out: MQTT 5 clients get DISCONNECT 0x8D. */
    void keepAliveExpired() {
        LOG.debug("client {}: keep-alive expired", clientId);
        if (state.isOpen()) {
            disconnect(Packets.KEEP_ALIVE_TIMEOUT, "keep-alive expired");
        }
    }

    /** Closes at once without a last packet (an error in the pipeline or in the broker). */
    void closeNow() {
        stopHandling();
        Disconnector.STANDARD.close(ctx);
    }

    private void stopHandling() {
        if (state.isOpen()) {
            state = ConnectionState.CLOSING;
        }
        sequencer.stop();
    }

    /** The socket closed: the session is given back, if not already. */
    void channelClosed() {
        stopHandling();
        if (placedOn != null) {
            services.placement.closed(placedOn);
            placedOn = null;
        }
        leaveSession();
    }

    /**
     * Gives the session back (once): what is unacknowledged or never went out goes to it, the
     * will is published. At channelInactive, or earlier for a DISCONNECT from the broker, so that
     * what arrives while the socket closes is queued by the session's rules rather than by this
     * connection's.
     */
    void leaveSession() {
        if (state == ConnectionState.CLOSED) {
            return;
        }
        state = ConnectionState.CLOSED;
        if (session == null) {
            return;
        }
        services.stats.clientConnected(-1);
        if (lifetimeTimer != null) {
            lifetimeTimer.cancel(false);
        }
        outbound.close();
        // A resent QoS 2 PUBLISH whose PUBREL has not come is acknowledged, not routed again, by the next connection.
        session.keepInboundQos2(publishes().heldQos2());
        // takeWaiting() also lets the publishers paused on this subscriber go on.
        services.sessions.disconnected(session, this, outbound.takeInFlight(), outbound.takeUndelivered());
        // After the session is detached, so that a delayed will sees whether the session lives on.
        if (will != null) {
            publishWill();
        }
        LOG.debug("client {} disconnected", clientId);
    }

    /** Publishes the will now, or after the MQTT 5 will delay if the session outlives the connection. */
    private void publishWill() {
        Will w = will;
        will = null;
        String target = mountpoint;
        Runnable publish = () -> {
            services.router.publish(target, w.message());
            firePublished(target, w.message());
        };
        if (w.delaySeconds() > 0) {
            services.sessions.delayWill(session, w.delaySeconds(), publish, w.message());
        } else {
            publish.run();
        }
    }

    // ---------------------------------------------------------------- helpers

    /** The client's address, as hooks see it. */
    Peer peer() {
        SocketAddress a = ctx.channel().remoteAddress();
        if (a instanceof InetSocketAddress in) {
            return new Peer(in.getAddress() == null ? in.getHostString() : in.getAddress().getHostAddress(), in.getPort());
        }
        return new Peer(String.valueOf(a), 0);
    }

    /** The listener the client connected to, as hooks see it. */
    io.polyhook.spi.Listener spiListener() {
        SocketAddress a = ctx.channel().localAddress();
        if (a instanceof InetSocketAddress in) {
            return new io.polyhook.spi.Listener(in.getAddress() == null ? in.getHostString() : in.getAddress().getHostAddress(),
                    in.getPort(), listener.type().spiType());
        }
        return new io.polyhook.spi.Listener(listener.host(), listener.port(), listener.type().spiType());
    }
}
