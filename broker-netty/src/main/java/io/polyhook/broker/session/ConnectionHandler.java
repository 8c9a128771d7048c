package io.polyhook.broker.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectPayload;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttConnectVariableHeader;
import io.netty.handler.codec.mqtt.MqttIdentifierRejectedException;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties.IntegerProperty;
import io.netty.handler.codec.mqtt.MqttProperties.StringProperty;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnacceptableProtocolVersionException;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import io.polyhook.broker.codec.MqttViolation;
import io.polyhook.broker.config.BrokerSettings;
import io.polyhook.broker.config.DeliverySettings;
import io.polyhook.broker.config.ListenerConfig;
import io.polyhook.broker.routing.Message;
import io.polyhook.core.hook.ChainOutcome;
import io.polyhook.core.hook.ClientLane;
import io.polyhook.core.hook.HookDispatcher;
import io.polyhook.spi.AuthContext;
import io.polyhook.spi.AuthModifiers;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.ChainHook;
import io.polyhook.spi.DeliverModifiers;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.Listener;
import io.polyhook.spi.Modifiers;
import io.polyhook.spi.MqttProperties;
import io.polyhook.spi.MqttVersion;
import io.polyhook.spi.Peer;
import io.polyhook.spi.PublishContext;
import io.polyhook.spi.PublishModifiers;
import io.polyhook.spi.ReasonCode;
import io.polyhook.spi.RegisterContext;
import io.polyhook.spi.RegisterModifiers;
import io.polyhook.spi.RetainHandling;
import io.polyhook.spi.SharedSubscriptionPolicy;
import io.polyhook.spi.SubscribeContext;
import io.polyhook.spi.SubscribeModifiers;
import io.polyhook.spi.SubscriberId;
import io.polyhook.spi.SubscriptionOptions;
import io.polyhook.spi.TopicSubscription;
import io.polyhook.spi.Topics;
import io.polyhook.spi.UnsubscribeContext;
import io.polyhook.spi.UnsubscribeModifiers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The MQTT protocol of one connection, MQTT 3.1, 3.1.1 and 5: CONNECT, PUBLISH in and out with
 * QoS 0/1/2, SUBSCRIBE, UNSUBSCRIBE, PING, DISCONNECT, wills, and the hooks around them.
 *
 * <p>Everything here runs on the channel's event loop. A hook with handlers runs on the
 * client's {@link ClientLane}; until its verdict is back, later packets of this client wait in
 * {@link #inbound} in order, and reading pauses only when that queue passes a high-water mark.
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionHandler.class);
    // What allow_publish=false / allow_subscribe=false from auth_on_register amount to, without calling a hook.
    private static final ChainOutcome<PublishModifiers> NOT_PERMITTED_PUBLISH = new ChainOutcome.Denied<>(
            Optional.empty(), Optional.empty(), io.polyhook.core.hook.HandlerOrigin.plugin("allow_publish"), ChainOutcome.Cause.VERDICT);
    // A PUBLISH to a topic the broker owns ($SYS), refused before any hook.
    private static final ChainOutcome<PublishModifiers> BROKER_OWNED_TOPIC = new ChainOutcome.Denied<>(
            Optional.empty(), Optional.empty(), io.polyhook.core.hook.HandlerOrigin.plugin("$SYS"), ChainOutcome.Cause.VERDICT);
    private static final ChainOutcome<SubscribeModifiers> NOT_PERMITTED_SUBSCRIBE = new ChainOutcome.Denied<>(
            Optional.empty(), Optional.empty(), io.polyhook.core.hook.HandlerOrigin.plugin("allow_subscribe"), ChainOutcome.Cause.VERDICT);

    private final SessionRegistry registry;
    private final BrokerSettings settings;
    private final HookDispatcher dispatcher;
    private final ListenerConfig listener;
    private final boolean allowAnonymous;

    private ChannelHandlerContext ctx;
    private final ArrayDeque<Object> inbound = new ArrayDeque<>();
    private boolean waiting;
    private PublishVerdicts verdicts;
    // A packet that is not a PUBLISH waits until every earlier PUBLISH has its verdict applied.
    private boolean awaitingVerdicts;
    private boolean laneWakeScheduled;
    private boolean readingPaused;
    // Subscribers whose congested outboxes this publisher waits for before reading on (event loop only).
    private final java.util.Set<ConnectionHandler> stalledOn = new java.util.HashSet<>();
    private boolean connecting;
    private boolean connected;
    private boolean closed;
    private boolean cleanDisconnect;
    // MQTT 5 enhanced authentication: the method, whether an exchange is open, what comes after it.
    private String authMethod;
    private boolean authenticating;
    private Runnable afterEnhancedAuth;
    private Optional<Bytes> authResponse = Optional.empty();

    // Set at CONNECT.
    private MqttVersion version;
    private String clientId;
    private String mountpoint;
    private Optional<String> username = Optional.empty();
    private ClientLane lane;
    private Session session;
    private Message will;
    private long willDelaySeconds;
    // Register modifiers that outlive the CONNECT (allow_publish, allow_subscribe, max_message_size).
    private boolean mayPublish = true;
    private boolean maySubscribe = true;
    private boolean mayUnsubscribe = true;
    private long maxMessageSize;
    // max_message_rate: publishes allowed per second, and the count in the current one-second window.
    private long maxMessageRate;
    private long rateWindowStart;
    private int rateWindowCount;
    // Reading paused by throttling (max_message_rate, the publish throttle modifier), until a timer resumes it.
    private boolean throttled;
    // MQTT 5 inbound topic aliases, allocated at the first alias the client sets.
    private String[] topicAliases;
    // Inbound QoS 1/2 PUBLISHes not yet acknowledged (PUBACK, PUBREC with an error, or PUBCOMP), against Receive Maximum.
    private int inboundUnacked;
    // max_connection_lifetime; cancelled at close so that a closed connection is not kept until it fires.
    private io.netty.util.concurrent.ScheduledFuture<?> lifetimeTimer;

    // QoS 2 packet ids received and not yet released by PUBREL.
    private final IntObjectMap<Boolean> qos2Received = new IntObjectHashMap<>();
    // The outgoing side; exists from the moment the client is admitted.
    private Outbox outbox;
    // The offline queue not yet handed to the outbox (null when none is), drained in steps.
    private ArrayDeque<Message> backlog;
    private int drainStep;
    // The backlog's bound: the offline queue plus max_online_messages of live messages behind it.
    private int backlogBound;
    private io.netty.util.concurrent.ScheduledFuture<?> drainTimer;
    // The shared_subscription_policy register modifier for this client's publishes; null: the broker's.
    private SharedSubscriptionPolicy sharedSubscriptionPolicy;

    ConnectionHandler(SessionRegistry registry, ListenerConfig listener) {
        this.registry = registry;
        this.settings = registry.settings();
        this.dispatcher = registry.dispatcher();
        this.listener = listener;
        this.allowAnonymous = listener.allowAnonymous().orElse(settings.allowAnonymous());
        this.mountpoint = listener.mountpoint();
    }

    /** A publish after its payload left the pooled buffer: queued packets then own no buffers. */
    private record InboundPublish(String topic, int qos, boolean retain, int packetId, Bytes payload,
                                  io.netty.handler.codec.mqtt.MqttProperties wireProperties) {
    }

    // ---------------------------------------------------------------- inbound, in order

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
        this.verdicts = new PublishVerdicts(context.executor(), this::verdictsApplied, this::verdictFailed);
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object msg) {
        if (closed) {
            io.netty.util.ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof MqttPublishMessage p) {
            int qos = p.fixedHeader().qosLevel().value();
            if (qos > 0 && !(qos == 2 && qos2Received.containsKey(p.variableHeader().packetId()))
                    && ++inboundUnacked > settings.receiveMaximum() && connected && version.isMqtt5()) {
                // MQTT 5 §3.3.4: more unacknowledged QoS 1/2 PUBLISHes than the Receive Maximum we announced.
                p.release();
                disconnect(Packets.RECEIVE_MAXIMUM_EXCEEDED, "Receive Maximum exceeded");
                return;
            }
            ByteBuf content = p.payload();
            try {
                msg = new InboundPublish(p.variableHeader().topicName(), p.fixedHeader().qosLevel().value(),
                        p.fixedHeader().isRetain(), p.variableHeader().packetId(),
                        Bytes.wrap(ByteBufUtil.getBytes(content)), p.variableHeader().properties());
            } finally {
                p.release();
            }
        } else if (!(msg instanceof MqttMessage)) {
            // Only MQTT messages come up this pipeline; anything else is a wiring bug, not the client's.
            io.netty.util.ReferenceCountUtil.release(msg);
            return;
        }
        inbound.addLast(msg);
        drain();
    }

    private void drain() {
        while (!waiting && !awaitingVerdicts && !closed) {
            Object next = inbound.peekFirst();
            if (next == null) {
                break;
            }
            if (!verdicts.isEmpty() && !(next instanceof InboundPublish)) {
                awaitingVerdicts = true;
                break;
            }
            inbound.pollFirst();
            try {
                handle(next);
            } catch (RuntimeException e) {
                LOG.warn("client {}: closing after an internal error: {}", clientId, e.toString());
                LOG.debug("internal error", e);
                ctx.close();
            }
        }
        pauseOrResumeReading();
    }

    /**
     * Reading pauses while more than {@code max_pending} packets wait behind the verdict in
     * progress (queued, or PUBLISHes whose chain is submitted but not yet answered), and resumes
     * at half of it: a toggle per burst, not per message.
     */
    private void pauseOrResumeReading() {
        int waitingPackets = inbound.size() + Math.max(0, verdicts.size() - 1);
        if (!readingPaused && waitingPackets > settings.maxPending()) {
            readingPaused = true;
            updateAutoRead();
        } else if (readingPaused && waitingPackets <= settings.maxPending() / 2) {
            readingPaused = false;
            updateAutoRead();
        }
    }

    /** Reads while the lane is under its high-water mark, no throttle applies and no subscriber is congested. */
    private void updateAutoRead() {
        if (!closed) {
            ctx.channel().config().setAutoRead(!readingPaused && !throttled && stalledOn.isEmpty());
        }
    }

    /** Whether this subscriber's outbox asks publishers to pause; called from any thread. */
    boolean congested() {
        Outbox o = outbox;
        return o != null && o.congested();
    }

    /**
     * On this (the publisher's) event loop: {@code target}, which this client just published to,
     * is congested; stop reading until it drains, or for at most {@link #STALL_MILLIS}, so that a
     * subscriber that stays behind throttles its publishers without stopping them.
     */
    void stallOn(ConnectionHandler target) {
        if (target == this || closed || !stalledOn.add(target)) {
            return;
        }
        if (stalledOn.size() == 1) {
            updateAutoRead();
            ctx.executor().schedule(() -> {
                if (!stalledOn.isEmpty()) {
                    stalledOn.clear();
                    updateAutoRead();
                }
            }, STALL_MILLIS, TimeUnit.MILLISECONDS);
        }
        target.outbox.whenRelieved(() -> ctx.executor().execute(() -> {
            if (stalledOn.remove(target) && stalledOn.isEmpty()) {
                updateAutoRead();
            }
        }));
    }

    private static final long STALL_MILLIS = 500;
    // An online client's queue: publishers pause above the high-water mark; only beyond the bound
    // (a subscriber that stays behind through the pauses) is the oldest message dropped.
    private static final int ONLINE_HIGH_WATER = 256;

    private void handle(Object msg) {
        if (msg instanceof InboundPublish p) {
            onPublish(p);
            return;
        }
        MqttMessage m = (MqttMessage) msg;
        if (m.decoderResult().isFailure()) {
            onMalformed(m.decoderResult().cause());
            return;
        }
        MqttMessageType type = m.fixedHeader().messageType();
        if (type == MqttMessageType.AUTH) {
            onAuth(m);
            return;
        }
        if (type == MqttMessageType.CONNECT) {
            if (connecting || connected) {
                protocolError("second CONNECT");
                return;
            }
            onConnect((MqttConnectMessage) m);
            return;
        }
        if (!connected) {
            protocolError(type + " before CONNECT");
            return;
        }
        switch (type) {
            case PUBACK -> outbox.acknowledged(packetId(m));
            case PUBREC -> onPubRec(m);
            case PUBREL -> {
                int id = packetId(m);
                if (qos2Received.remove(id) != null) {
                    inboundUnacked--;
                }
                ctx.writeAndFlush(Packets.pubReply(MqttMessageType.PUBCOMP, id, Packets.SUCCESS));
            }
            case PUBCOMP -> outbox.acknowledged(packetId(m));
            case SUBSCRIBE -> onSubscribe((MqttSubscribeMessage) m);
            case UNSUBSCRIBE -> onUnsubscribe((MqttUnsubscribeMessage) m);
            case PINGREQ -> ctx.writeAndFlush(Packets.pingResp());
            case DISCONNECT -> onDisconnect(m);
            default -> protocolError("unexpected " + type);
        }
    }

    private static int packetId(MqttMessage m) {
        return ((MqttMessageIdVariableHeader) m.variableHeader()).messageId();
    }

    /**
     * Waits for a chain's verdict without blocking the event loop: later packets queue behind
     * it, and {@code then} runs on the event loop. A chain that is already decided (no handler)
     * continues at once.
     */
    private <M extends Modifiers> void await(CompletionStage<ChainOutcome<M>> stage, Consumer<ChainOutcome<M>> then) {
        CompletableFuture<ChainOutcome<M>> f = stage.toCompletableFuture();
        if (f.isDone()) {
            then.accept(f.join());
            return;
        }
        waiting = true;
        stage.thenAcceptAsync(outcome -> {
            waiting = false;
            if (closed) {
                return;
            }
            try {
                then.accept(outcome);
            } catch (RuntimeException e) {
                LOG.warn("client {}: closing after an internal error: {}", clientId, e.toString());
                LOG.debug("internal error", e);
                ctx.close();
                return;
            }
            drain();
        }, ctx.executor());
    }

    private <C extends io.polyhook.spi.HookContext, M extends Modifiers> CompletionStage<ChainOutcome<M>> chain(
            ChainHook<C, M> hook, C context) {
        return dispatcher.chain(lane, hook, context);
    }

    // ---------------------------------------------------------------- CONNECT

    private void onConnect(MqttConnectMessage m) {
        connecting = true;
        MqttConnectVariableHeader vh = m.variableHeader();
        MqttConnectPayload pl = m.payload();
        version = MqttVersion.ofLevel(vh.version());
        boolean v5 = version.isMqtt5();
        MqttProperties props;
        try {
            props = PropertyMapping.fromWire(vh.properties());
        } catch (IllegalArgumentException e) {
            refuse(MqttConnectReturnCode.CONNECTION_REFUSED_PROTOCOL_ERROR, "invalid CONNECT properties: " + e.getMessage());
            return;
        }
        String id = pl.clientIdentifier() == null ? "" : pl.clientIdentifier();
        boolean assigned = false;
        if (id.isEmpty()) {
            if (v5 || (version == MqttVersion.V3_1_1 && vh.isCleanSession())) {
                id = "polyhook-" + UUID.randomUUID();
                assigned = true;
            } else {
                refuse(MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED, "empty client id without clean session");
                return;
            }
        }
        clientId = id;
        username = Optional.ofNullable(pl.userName());
        lane = dispatcher.newLane(clientId);
        Optional<Bytes> password = Optional.ofNullable(pl.passwordInBytes()).map(Bytes::wrap);
        int keepAlive = KeepAliveLimit.apply(vh.keepAliveTimeSeconds(), settings.maxKeepalive(), v5);
        if (keepAlive == KeepAliveLimit.REFUSE) {
            refuse(MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED, "keep-alive above broker.max_keepalive");
            return;
        }
        ConnectRequest req = new ConnectRequest(vh.isCleanSession(), props, keepAlive, assigned);
        req.serverKeepAlive = keepAlive != vh.keepAliveTimeSeconds();

        // Keep-alive supervision: 1.5 times the interval (the CONNECT timeout is gone by now).
        if (keepAlive > 0) {
            ctx.pipeline().addBefore(ctx.name(), "keepalive",
                    new IdleStateHandler(keepAlive * 1500L, 0, 0, TimeUnit.MILLISECONDS));
        }

        if (vh.isWillFlag()) {
            MqttProperties willProps;
            try {
                willProps = PropertyMapping.fromWire(pl.willProperties());
            } catch (IllegalArgumentException e) {
                refuse(MqttConnectReturnCode.CONNECTION_REFUSED_PROTOCOL_ERROR, "invalid will properties");
                return;
            }
            if (!Topics.isValidName(pl.willTopic())) {
                refuse(v5 ? MqttConnectReturnCode.CONNECTION_REFUSED_TOPIC_NAME_INVALID
                        : MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED, "invalid will topic");
                return;
            }
            if (ReservedTopics.ownedByBroker(pl.willTopic())) {
                refuse(v5 ? MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED_5
                        : MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED, "will to a topic the broker owns");
                return;
            }
            byte[] willPayload = pl.willMessageInBytes() == null ? new byte[0] : pl.willMessageInBytes();
            req.willProperties = willProps;
            willDelaySeconds = willProps.willDelayInterval().orElse(0L);
            will = Message.of(pl.willTopic(), vh.willQos(), Bytes.wrap(willPayload), vh.isWillRetain(),
                    PropertyMapping.forwardable(willProps), clientId);
        }

        if (v5 && props.authenticationMethod().isPresent()) {
            // MQTT 5 enhanced authentication first; auth_on_register_m5 follows it (as in VerneMQ).
            authMethod = props.authenticationMethod().get();
            if (!dispatcher.has(Hooks.ON_AUTH_M5)) {
                refuse(MqttConnectReturnCode.CONNECTION_REFUSED_BAD_AUTHENTICATION_METHOD, "no on_auth_m5 handler");
                return;
            }
            afterEnhancedAuth = () -> register(req, password, props);
            enhancedAuth(authProperties(props), false);
            return;
        }
        register(req, password, props);
    }

    private void register(ConnectRequest req, Optional<Bytes> password, MqttProperties props) {
        boolean v5 = version.isMqtt5();
        if (allowAnonymous) {
            authorizeWill(req);
            return;
        }
        ChainHook<RegisterContext, RegisterModifiers> hook = v5 ? Hooks.AUTH_ON_REGISTER_M5 : Hooks.AUTH_ON_REGISTER;
        if (!dispatcher.has(hook)) {
            refuse(v5 ? MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED_5
                    : MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED, "no auth_on_register handler");
            return;
        }
        RegisterContext rc = new RegisterContext(version, peer(), spiListener(), mountpoint, clientId, username, password,
                req.cleanStart, props, Optional.empty());
        await(chain(hook, rc), outcome -> onRegisterVerdict(req, outcome));
    }

    // ---------------------------------------------------------------- MQTT 5 enhanced authentication

    private static MqttProperties authProperties(MqttProperties p) {
        MqttProperties.Builder b = MqttProperties.builder();
        p.authenticationMethod().ifPresent(b::authenticationMethod);
        p.authenticationData().ifPresent(b::authenticationData);
        return b.build();
    }

    /** One step of on_auth_m5, for the CONNECT exchange or a re-authentication of a connected client. */
    private void enhancedAuth(MqttProperties authProps, boolean reauth) {
        AuthContext ac = new AuthContext(mountpoint, clientId, username, authProps);
        await(chain(Hooks.ON_AUTH_M5, ac), outcome -> {
            switch (outcome) {
                case ChainOutcome.Allowed<AuthModifiers> ok -> {
                    AuthModifiers mods = ok.modifiers().orElse(AuthModifiers.success(null));
                    String method = mods.authenticationMethod().orElse(authMethod);
                    if (mods.step() == AuthModifiers.Step.CONTINUE_AUTHENTICATION) {
                        authenticating = true;
                        ctx.writeAndFlush(Packets.auth(Packets.CONTINUE_AUTHENTICATION, method, mods.authenticationData()));
                        return;
                    }
                    authenticating = false;
                    if (reauth) {
                        ctx.writeAndFlush(Packets.auth(Packets.SUCCESS, method, mods.authenticationData()));
                    } else {
                        authResponse = mods.authenticationData();
                        Runnable next = afterEnhancedAuth;
                        afterEnhancedAuth = null;
                        next.run();
                    }
                }
                case ChainOutcome.Denied<AuthModifiers> denied -> {
                    int code = denied.reasonCode().map(ReasonCode::code).orElse(Packets.NOT_AUTHORIZED);
                    if (reauth) {
                        disconnect(code, "re-authentication denied");
                    } else {
                        refuse(Packets.connAckCode5(code), "enhanced authentication denied");
                    }
                }
                default -> {
                    if (reauth) {
                        disconnect(Packets.BAD_AUTHENTICATION_METHOD, "no on_auth_m5 handler decided");
                    } else {
                        refuse(MqttConnectReturnCode.CONNECTION_REFUSED_BAD_AUTHENTICATION_METHOD, "no on_auth_m5 handler decided");
                    }
                }
            }
        });
    }

    private void onAuth(MqttMessage m) {
        if (version == null || !version.isMqtt5() || authMethod == null
                || !(m.variableHeader() instanceof MqttReasonCodeAndPropertiesVariableHeader vh)) {
            protocolError("AUTH without enhanced authentication");
            return;
        }
        MqttProperties props;
        try {
            props = PropertyMapping.fromWire(vh.properties());
        } catch (IllegalArgumentException e) {
            protocolError("invalid AUTH properties");
            return;
        }
        if (!props.authenticationMethod().map(authMethod::equals).orElse(false)) {
            protocolError("AUTH with another authentication method");
            return;
        }
        int reason = vh.reasonCode() & 0xFF;
        if (authenticating && reason == Packets.CONTINUE_AUTHENTICATION) {
            enhancedAuth(authProperties(props), connected);
        } else if (connected && !authenticating && reason == Packets.REAUTHENTICATE) {
            enhancedAuth(authProperties(props), true);
        } else {
            protocolError("unexpected AUTH reason 0x" + Integer.toHexString(reason));
        }
    }

    /** What the CONNECT asked for, as far as the later steps need it. */
    private static final class ConnectRequest {
        boolean cleanStart;
        MqttProperties properties;
        final int keepAlive;
        final boolean assignedId;
        // Whether keepAlive is not what the client asked for (broker.max_keepalive): CONNACK says so.
        boolean serverKeepAlive;
        int maxInflight = Integer.MAX_VALUE;
        MqttProperties willProperties = MqttProperties.EMPTY;
        // Register modifiers applied when the client is admitted (0 / -1: not set).
        long lifetimeSeconds;
        int maxOnline = -1;
        int maxOffline = -1;
        long retrySeconds;
        boolean upgradeQos;
        boolean lifo;
        int drainStep = -1;
        long drainMillis = -1;

        ConnectRequest(boolean cleanStart, MqttProperties properties, int keepAlive, boolean assignedId) {
            this.cleanStart = cleanStart;
            this.properties = properties;
            this.keepAlive = keepAlive;
            this.assignedId = assignedId;
        }
    }

    private void onRegisterVerdict(ConnectRequest req, ChainOutcome<RegisterModifiers> outcome) {
        boolean v5 = version.isMqtt5();
        switch (outcome) {
            case ChainOutcome.Allowed<RegisterModifiers> ok -> {
                if (ok.modifiers().isPresent()) {
                    RegisterModifiers mods = ok.modifiers().get();
                    if (!mods.permission(RegisterModifiers.Permission.ALLOW_REGISTER).orElse(true)) {
                        refuse(v5 ? MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED_5
                                : MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED, "allow_register false");
                        return;
                    }
                    mods.subscriberId().ifPresent(sid -> {
                        mountpoint = sid.mountpoint();
                        clientId = sid.clientId();
                    });
                    mods.username().ifPresent(u -> username = Optional.of(u));
                    mods.cleanSession().ifPresent(c -> req.cleanStart = c);
                    // MQTT 5 register properties replace the CONNECT's (vmq_diversity: no merge).
                    mods.properties().ifPresent(p -> req.properties = p);
                    mods.limit(RegisterModifiers.Limit.MAX_INFLIGHT_MESSAGES).ifPresent(n -> req.maxInflight = (int) Math.max(1, n));
                    mods.limit(RegisterModifiers.Limit.MAX_MESSAGE_SIZE).ifPresent(n -> maxMessageSize = n);
                    mayPublish = mods.permission(RegisterModifiers.Permission.ALLOW_PUBLISH).orElse(true);
                    maySubscribe = mods.permission(RegisterModifiers.Permission.ALLOW_SUBSCRIBE).orElse(true);
                    mayUnsubscribe = mods.permission(RegisterModifiers.Permission.ALLOW_UNSUBSCRIBE).orElse(true);
                    mods.limit(RegisterModifiers.Limit.MAX_MESSAGE_RATE).ifPresent(n -> maxMessageRate = n);
                    mods.limit(RegisterModifiers.Limit.MAX_CONNECTION_LIFETIME).ifPresent(n -> req.lifetimeSeconds = n);
                    mods.limit(RegisterModifiers.Limit.MAX_ONLINE_MESSAGES).ifPresent(n -> req.maxOnline = (int) Math.min(n, Integer.MAX_VALUE));
                    mods.limit(RegisterModifiers.Limit.MAX_OFFLINE_MESSAGES).ifPresent(n -> req.maxOffline = (int) Math.min(n, Integer.MAX_VALUE));
                    mods.limit(RegisterModifiers.Limit.RETRY_INTERVAL).ifPresent(n -> req.retrySeconds = n);
                    mods.upgradeQos().ifPresent(u -> req.upgradeQos = u);
                    mods.queueType().ifPresent(q -> req.lifo = q == io.polyhook.spi.QueueType.LIFO);
                    mods.sharedSubscriptionPolicy().ifPresent(p -> sharedSubscriptionPolicy = p);
                    mods.limit(RegisterModifiers.Limit.MAX_MSGS_PER_DRAIN_STEP)
                            .ifPresent(n -> req.drainStep = (int) Math.min(Math.max(1, n), Integer.MAX_VALUE));
                    mods.limit(RegisterModifiers.Limit.MAX_DRAIN_TIME).ifPresent(n -> req.drainMillis = n);
                }
                if (will != null) {
                    will = Message.of(will.topic(), will.qos(), will.payload(), will.retain(), will.properties(), clientId);
                }
                authorizeWill(req);
            }
            case ChainOutcome.Denied<RegisterModifiers> denied -> {
                // A plain deny is vmq_diversity's "false": bad user name or password.
                int rc = denied.cause() == ChainOutcome.Cause.VERDICT
                        ? denied.reasonCode().map(ReasonCode::code).orElse(0x86) : Packets.NOT_AUTHORIZED;
                refuse(v5 ? Packets.connAckCode5(rc) : Packets.connAckCode3(rc), "denied by " + denied.decidedBy());
            }
            default -> refuse(v5 ? MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED_5
                    : MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED, "no handler admitted the client");
        }
    }

    /** The will goes through auth_on_publish at CONNECT time, as in VerneMQ. */
    private void authorizeWill(ConnectRequest req) {
        if (will == null) {
            admit(req);
            return;
        }
        ChainHook<PublishContext, PublishModifiers> hook = version.isMqtt5() ? Hooks.AUTH_ON_PUBLISH_M5 : Hooks.AUTH_ON_PUBLISH;
        if (!dispatcher.has(hook)) {
            if (settings.noMatch().allowsUnhandled()) {
                admit(req);
            } else {
                refuseNotAuthorized("will not authorized (no_match deny)");
            }
            return;
        }
        PublishContext pc = new PublishContext(version, mountpoint, clientId, username, will.topic(), will.qos(),
                will.payload(), will.retain(), will.properties());
        await(chain(hook, pc), outcome -> {
            switch (outcome) {
                case ChainOutcome.Allowed<PublishModifiers> ok -> {
                    ok.modifiers().ifPresent(mods -> will = applyPublish(will, mods));
                    admit(req);
                }
                case ChainOutcome.Exhausted<PublishModifiers> ex -> {
                    if (settings.noMatch().allows(ex)) {
                        admit(req);
                    } else {
                        refuseNotAuthorized("will not authorized (no_match deny)");
                    }
                }
                default -> refuseNotAuthorized("will not authorized");
            }
        });
    }

    private void refuseNotAuthorized(String why) {
        refuse(version.isMqtt5() ? MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED_5
                : MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED, why);
    }

    private void admit(ConnectRequest req) {
        boolean v5 = version.isMqtt5();
        long expiry;
        if (v5) {
            expiry = req.properties.sessionExpiryInterval().orElse(0L);
        } else {
            // MQTT 3 has no session expiry: broker.persistent_session_expiry decides (never, as in VerneMQ).
            expiry = req.cleanStart ? 0 : settings.persistentSessionExpiry();
        }
        int clientReceiveMax = req.properties.receiveMaximum().orElse(65_535);
        DeliverySettings delivery = settings.delivery();
        int maxOnline = req.maxOnline >= 0 ? req.maxOnline : settings.maxOnlineMessages();
        outbox = new Outbox(ctx, v5, Math.min(Math.min(clientReceiveMax, settings.maxInflight()), req.maxInflight),
                req.properties.maximumPacketSize().orElse(0L), maxOnline,
                ONLINE_HIGH_WATER, registry.stats(), new Outbox.Behind(
                        delivery.slowConsumerPolicy() == DeliverySettings.SlowConsumerPolicy.DISCONNECT,
                        delivery.slowConsumerMaxDelay().toNanos(),
                        () -> slowConsumer("stays behind: its outgoing queue is full or too old")),
                new Outbox.Budget(settings.limits().maxOnlineBytes(), registry.queuedBytes()));
        // Toward the client, no more aliases than it takes, nor than the broker takes from it.
        outbox.topicAliases(Math.min(req.properties.topicAliasMaximum().orElse(0), settings.topicAliasMaximum()));
        if (req.retrySeconds > 0 && !v5) {
            // MQTT 5 forbids resending except after a reconnect (§4.4); MQTT 3 brokers may retry.
            outbox.retryEvery(req.retrySeconds);
        }
        SubscriberId sid = new SubscriberId(mountpoint, clientId);
        SessionRegistry.Attached attached = registry.connect(sid, req.cleanStart, expiry, this, lane, version,
                new QueuePolicy(req.maxOffline, req.lifo, req.upgradeQos), username, maySubscribe);
        registry.stats().clientConnected(1);
        if (req.lifetimeSeconds > 0) {
            lifetimeTimer = ctx.executor().schedule(() -> {
                if (!closed) {
                    disconnect(Packets.MAXIMUM_CONNECT_TIME, "max_connection_lifetime reached");
                }
            }, req.lifetimeSeconds, TimeUnit.SECONDS);
        }
        session = attached.session();
        if (attached.previous() != null) {
            attached.previous().takenOver();
        }
        connected = true;
        connecting = false;

        io.netty.handler.codec.mqtt.MqttProperties ackProps = v5 ? new io.netty.handler.codec.mqtt.MqttProperties()
                : io.netty.handler.codec.mqtt.MqttProperties.NO_PROPERTIES;
        if (v5) {
            if (req.assignedId) {
                ackProps.add(new StringProperty(io.netty.handler.codec.mqtt.MqttProperties.ASSIGNED_CLIENT_IDENTIFIER, clientId));
            }
            ackProps.add(new IntegerProperty(io.netty.handler.codec.mqtt.MqttProperties.TOPIC_ALIAS_MAXIMUM,
                    settings.topicAliasMaximum()));
            if (settings.receiveMaximum() < 65_535) {
                ackProps.add(new IntegerProperty(io.netty.handler.codec.mqtt.MqttProperties.RECEIVE_MAXIMUM,
                        settings.receiveMaximum()));
            }
            ackProps.add(new IntegerProperty(io.netty.handler.codec.mqtt.MqttProperties.MAXIMUM_PACKET_SIZE, settings.maxPacketSize()));
            if (req.serverKeepAlive) {
                ackProps.add(new IntegerProperty(io.netty.handler.codec.mqtt.MqttProperties.SERVER_KEEP_ALIVE, req.keepAlive));
            }
            if (authMethod != null) {
                ackProps.add(new StringProperty(io.netty.handler.codec.mqtt.MqttProperties.AUTHENTICATION_METHOD, authMethod));
                authResponse.ifPresent(d -> ackProps.add(new io.netty.handler.codec.mqtt.MqttProperties.BinaryProperty(
                        io.netty.handler.codec.mqtt.MqttProperties.AUTHENTICATION_DATA, d.toByteArray())));
            }
            if (req.properties.sessionExpiryInterval().orElse(0L) != expiry) {
                ackProps.add(new IntegerProperty(io.netty.handler.codec.mqtt.MqttProperties.SESSION_EXPIRY_INTERVAL, (int) expiry));
            }
        }
        ctx.writeAndFlush(Packets.connAck(MqttConnectReturnCode.CONNECTION_ACCEPTED, attached.sessionPresent(), ackProps));
        LOG.debug("client {} connected ({}, mountpoint \"{}\", session present {})", clientId, version, mountpoint,
                attached.sessionPresent());

        var registerHook = v5 ? Hooks.ON_REGISTER_M5 : Hooks.ON_REGISTER;
        if (dispatcher.has(registerHook)) {
            dispatcher.notify(lane, registerHook, new RegisterContext(version, peer(), spiListener(), mountpoint, clientId,
                    username, Optional.empty(), req.cleanStart, v5 ? req.properties : MqttProperties.EMPTY, Optional.empty()));
        }
        if (dispatcher.has(Hooks.ON_CLIENT_WAKEUP)) {
            dispatcher.notify(lane, Hooks.ON_CLIENT_WAKEUP, new io.polyhook.spi.ClientContext(mountpoint, clientId));
        }
        // First what the previous connection left unacknowledged, then what was queued while offline.
        outbox.resend(attached.resend());
        startDrain(attached.queued(), req.drainStep > 0 ? req.drainStep : delivery.maxMsgsPerDrainStep(),
                req.drainMillis >= 0 ? req.drainMillis : delivery.maxDrainTime().toMillis(), maxOnline);
    }

    /**
     * Hands the offline queue to the outbox in steps of {@code step} messages, one event-loop task
     * each and the next only when the outbox has room again, so that one client with a long queue
     * neither holds up the others on its event loop nor floods its own outgoing queue. Live
     * messages wait behind the backlog, keeping the order. {@code maxMillis} > 0: a client that has
     * not taken all of it by then is disconnected, and what is left stays in its session. Live
     * messages beyond {@code maxOnline} behind the backlog make the client a slow consumer.
     */
    private void startDrain(List<Message> queued, int step, long maxMillis, int maxOnline) {
        if (queued.isEmpty()) {
            return;
        }
        backlog = new ArrayDeque<>(queued);
        drainStep = step;
        backlogBound = (int) Math.min(Integer.MAX_VALUE, (long) queued.size() + maxOnline);
        if (maxMillis > 0) {
            drainTimer = ctx.executor().schedule(() -> {
                if (backlog != null) {
                    slowConsumer("offline queue not taken within max_drain_time");
                }
            }, maxMillis, TimeUnit.MILLISECONDS);
        }
        drainStep();
    }

    private void drainStep() {
        if (closed || backlog == null) {
            return;
        }
        // Never past the outbox's high-water mark: a backlog alone must not make the client look slow.
        for (int i = 0; i < drainStep && !closed && !backlog.isEmpty() && outbox.hasRoom(); i++) {
            deliverNow(backlog.pollFirst());
        }
        if (closed) {
            // Disconnected as a slow consumer meanwhile: the session took the rest.
            return;
        }
        if (backlog.isEmpty()) {
            backlog = null;
            if (drainTimer != null) {
                drainTimer.cancel(false);
            }
            return;
        }
        outbox.whenRoom(this::drainStep);
    }

    /**
     * A subscriber that stays behind under slow_consumer_policy disconnect (or past max_drain_time):
     * MQTT 5 clients get DISCONNECT 0x97 Quota exceeded; the session keeps its QoS 1/2 messages.
     */
    private void slowConsumer(String why) {
        if (closed) {
            return;
        }
        registry.stats().slowConsumerDisconnected();
        LOG.info("client {}: disconnecting a slow consumer: {}", clientId, why);
        // A client that does not read will not take the DISCONNECT either: the Disconnector closes regardless.
        disconnect(Packets.QUOTA_EXCEEDED, why);
        leaveSession();
    }

    /** The shared subscription policy for this client's publishes, or null for the broker's. */
    SharedSubscriptionPolicy sharedSubscriptionPolicy() {
        return sharedSubscriptionPolicy;
    }

    private void refuse(MqttConnectReturnCode code, String why) {
        LOG.debug("client {} refused: {} ({})", clientId, code, why);
        will = null;
        connecting = false;
        closed = true;
        inbound.clear();
        Disconnector.STANDARD.send(ctx, Packets.connAck(code, false, io.netty.handler.codec.mqtt.MqttProperties.NO_PROPERTIES));
    }

    // ---------------------------------------------------------------- PUBLISH in

    private void onPublish(InboundPublish received) {
        if (!connected) {
            protocolError("PUBLISH before CONNECT");
            return;
        }
        boolean v5 = version.isMqtt5();
        registry.stats().messageReceived();
        MqttProperties props;
        try {
            props = PropertyMapping.fromWire(received.wireProperties());
        } catch (IllegalArgumentException e) {
            disconnectInOrder(Packets.PROTOCOL_ERROR, "invalid PUBLISH properties");
            return;
        }
        InboundPublish p;
        if (v5 && props.topicAlias().isPresent()) {
            p = resolveAlias(received, props.topicAlias().getAsInt());
            if (p == null) {
                return;
            }
        } else {
            p = received;
        }
        if (!Topics.isValidName(p.topic())) {
            disconnectInOrder(Packets.TOPIC_NAME_INVALID, "invalid topic name in PUBLISH");
            return;
        }
        if (maxMessageRate > 0) {
            countForRate();
        }
        if (maxMessageSize > 0 && p.payload().size() > maxMessageSize) {
            disconnectInOrder(Packets.PACKET_TOO_LARGE, "PUBLISH above max_message_size");
            return;
        }
        if (p.qos() == 2) {
            if (qos2Received.containsKey(p.packetId())) {
                // A resent QoS 2 PUBLISH: already routed once, only acknowledge again.
                verdicts.then(() -> {
                    if (!closed) {
                        ctx.writeAndFlush(Packets.pubReply(MqttMessageType.PUBREC, p.packetId(), Packets.SUCCESS));
                    }
                });
                return;
            }
            qos2Received.put(p.packetId(), Boolean.TRUE);
        }
        Message msg = Message.of(p.topic(), p.qos(), p.payload(), p.retain(), PropertyMapping.forwardable(props), clientId);
        ChainHook<PublishContext, PublishModifiers> hook = v5 ? Hooks.AUTH_ON_PUBLISH_M5 : Hooks.AUTH_ON_PUBLISH;
        if (ReservedTopics.ownedByBroker(p.topic())) {
            publishInOrder(p, msg, BROKER_OWNED_TOPIC);
            return;
        }
        if (!mayPublish) {
            publishInOrder(p, msg, NOT_PERMITTED_PUBLISH);
            return;
        }
        if (!dispatcher.has(hook)) {
            publishInOrder(p, msg, ChainOutcome.unhandled());
            return;
        }
        PublishContext pc = new PublishContext(version, mountpoint, clientId, username, msg.topic(), msg.qos(),
                msg.payload(), msg.retain(), msg.properties());
        CompletableFuture<ChainOutcome<PublishModifiers>> verdict = dispatcher.chainQueued(lane, hook, pc).toCompletableFuture();
        if (verdict.isDone()) {
            // Answered without the lane (an auth cache hit): nothing was queued to wake it for.
            publishInOrder(p, msg, verdict.join());
            return;
        }
        wakeLaneAfterBurst();
        verdicts.add(verdict, () -> publishVerdict(p, msg, verdict.join()));
    }

    /** Applies a verdict known now: at once, unless earlier PUBLISHes still wait for theirs. */
    private void publishInOrder(InboundPublish p, Message msg, ChainOutcome<PublishModifiers> outcome) {
        if (verdicts.isEmpty()) {
            publishVerdict(p, msg, outcome);
        } else {
            verdicts.then(() -> publishVerdict(p, msg, outcome));
        }
    }

    /**
     * The lane's thread is started once after this event loop's current batch of work, not per
     * PUBLISH: started per PUBLISH it would finish each call before the next one is decoded, and
     * pay a thread start and a park for every message.
     */
    private void wakeLaneAfterBurst() {
        if (!laneWakeScheduled) {
            laneWakeScheduled = true;
            ctx.executor().execute(() -> {
                laneWakeScheduled = false;
                dispatcher.wake(lane);
            });
        }
    }

    /** Closes for a bad PUBLISH once the earlier ones are applied; nothing after it is read. */
    private void disconnectInOrder(int reasonCode, String why) {
        if (!verdicts.isEmpty()) {
            awaitingVerdicts = true;
        }
        verdicts.then(() -> disconnect(reasonCode, why));
    }

    /**
     * After pending PUBLISH verdicts were applied; also after the connection closed, as a client
     * that sends PUBLISH, DISCONNECT and hangs up at once (mosquitto_pub) has its messages routed
     * all the same (only the acknowledgements are left out).
     */
    private void verdictsApplied() {
        if (closed) {
            return;
        }
        if (verdicts.isEmpty() && awaitingVerdicts) {
            awaitingVerdicts = false;
        }
        drain();
    }

    private void verdictFailed(RuntimeException e) {
        LOG.warn("client {}: closing after an internal error: {}", clientId, e.toString());
        LOG.debug("internal error", e);
        ctx.close();
        closed = true;
        verdicts.clear();
    }

    private void publishVerdict(InboundPublish p, Message msg, ChainOutcome<PublishModifiers> outcome) {
        String target = mountpoint;
        Message routed = msg;
        int deniedCode = -1;
        switch (outcome) {
            case ChainOutcome.Allowed<PublishModifiers> ok -> {
                if (ok.modifiers().isPresent()) {
                    PublishModifiers mods = ok.modifiers().get();
                    routed = applyPublish(msg, mods);
                    if (mods.mountpoint().isPresent()) {
                        target = mods.mountpoint().get();
                    }
                    mods.throttle().ifPresent(d -> throttle(d.toMillis()));
                }
            }
            case ChainOutcome.Exhausted<PublishModifiers> ex -> {
                if (!settings.noMatch().allows(ex)) {
                    deniedCode = Packets.NOT_AUTHORIZED;
                }
            }
            case ChainOutcome.Denied<PublishModifiers> denied ->
                    deniedCode = Packets.pubAckCode(denied.reasonCode().map(ReasonCode::code).orElse(Packets.NOT_AUTHORIZED));
            case ChainOutcome.Failed<PublishModifiers> failed -> deniedCode = Packets.NOT_AUTHORIZED;
        }
        if (closed) {
            // The verdict came after the connection went: no acknowledgement can go out. QoS 0
            // and 1 are routed (a QoS 1 the client resends is at most a duplicate, which QoS 1
            // allows); QoS 2 is not, as its resend could not be told from a new message.
            if (deniedCode < 0 && p.qos() < 2) {
                registry.publish(target, routed, this);
                firePublished(target, routed);
            }
            return;
        }
        if (deniedCode >= 0) {
            LOG.debug("client {}: publish to {} not authorized", clientId, msg.topic());
            // MQTT 3 has no negative acknowledgement: the message is dropped and acknowledged (VerneMQ).
            int code = version.isMqtt5() ? deniedCode : Packets.SUCCESS;
            if (p.qos() == 1) {
                inboundUnacked--;
                ctx.writeAndFlush(Packets.pubReply(MqttMessageType.PUBACK, p.packetId(), code));
            } else if (p.qos() == 2) {
                if (code >= 0x80) {
                    qos2Received.remove(p.packetId());
                    inboundUnacked--;
                }
                ctx.writeAndFlush(Packets.pubReply(MqttMessageType.PUBREC, p.packetId(), code));
            }
            return;
        }
        registry.publish(target, routed, this);
        // Flushed once after the current read burst, with the deliveries, not one syscall each.
        if (p.qos() == 1) {
            inboundUnacked--;
            outbox.acknowledge(MqttMessageType.PUBACK, p.packetId());
        } else if (p.qos() == 2) {
            outbox.acknowledge(MqttMessageType.PUBREC, p.packetId());
        }
        firePublished(target, routed);
    }

    private void firePublished(String target, Message routed) {
        var hook = version.isMqtt5() ? Hooks.ON_PUBLISH_M5 : Hooks.ON_PUBLISH;
        if (dispatcher.has(hook)) {
            dispatcher.notify(lane, hook, new PublishContext(version, target, clientId, username, routed.topic(),
                    routed.qos(), routed.payload(), routed.retain(), routed.properties()));
        }
    }

    private static Message applyPublish(Message m, PublishModifiers mods) {
        MqttProperties props = mods.properties().map(m.properties()::merge).orElse(m.properties());
        Message out = m.rewritten(mods.topic().orElse(m.topic()), mods.payload().orElse(m.payload()), props);
        return out.withQosAndRetain(mods.qos().orElse(m.qos()), mods.retain().orElse(m.retain()));
    }

    // ---------------------------------------------------------------- SUBSCRIBE / UNSUBSCRIBE

    private void onSubscribe(MqttSubscribeMessage m) {
        boolean v5 = version.isMqtt5();
        int packetId = m.idAndPropertiesVariableHeader().messageId();
        MqttProperties props;
        try {
            props = PropertyMapping.fromWire(m.idAndPropertiesVariableHeader().properties());
        } catch (IllegalArgumentException e) {
            disconnect(Packets.PROTOCOL_ERROR, "invalid SUBSCRIBE properties");
            return;
        }
        OptionalInt subId = props.subscriptionIdentifiers().isEmpty() ? OptionalInt.empty()
                : OptionalInt.of(props.subscriptionIdentifiers().get(0));
        List<MqttTopicSubscription> requested = m.payload().topicSubscriptions();
        // Per requested filter: the code to send if it never reaches the authorization (-1: it does).
        int[] early = new int[requested.size()];
        List<TopicSubscription> valid = new ArrayList<>();
        List<Integer> validIndex = new ArrayList<>();
        for (int i = 0; i < requested.size(); i++) {
            MqttTopicSubscription t = requested.get(i);
            String filter = t.topicFilter();
            boolean shared = filter.startsWith("$share/");
            if (shared ? io.polyhook.broker.routing.SubscriptionTree.sharedParts(filter).isEmpty()
                    : !Topics.isValidFilter(filter)) {
                early[i] = v5 ? Packets.TOPIC_FILTER_INVALID : Packets.UNSPECIFIED_ERROR;
                continue;
            }
            if (shared && v5 && t.option().isNoLocal()) {
                // MQTT 5 §3.8.3.1: No Local on a shared subscription is a protocol error.
                protocolError("No Local on a shared subscription");
                return;
            }
            early[i] = -1;
            SubscriptionOptions options = v5
                    ? new SubscriptionOptions(t.option().isRetainAsPublished(), t.option().isNoLocal(),
                    RetainHandling.values()[t.option().retainHandling().value()], subId)
                    : SubscriptionOptions.DEFAULT;
            valid.add(new TopicSubscription(filter, t.qualityOfService().value(), options));
            validIndex.add(i);
        }
        ChainHook<SubscribeContext, SubscribeModifiers> hook = v5 ? Hooks.AUTH_ON_SUBSCRIBE_M5 : Hooks.AUTH_ON_SUBSCRIBE;
        if (!maySubscribe) {
            subscribeVerdict(packetId, early, valid, validIndex, props, NOT_PERMITTED_SUBSCRIBE);
            return;
        }
        if (valid.isEmpty() || !dispatcher.has(hook)) {
            subscribeVerdict(packetId, early, valid, validIndex, props, ChainOutcome.unhandled());
            return;
        }
        SubscribeContext sc = new SubscribeContext(version, mountpoint, clientId, username, valid, props);
        await(chain(hook, sc), outcome -> subscribeVerdict(packetId, early, valid, validIndex, props, outcome));
    }

    private void subscribeVerdict(int packetId, int[] early, List<TopicSubscription> valid, List<Integer> validIndex,
                                  MqttProperties props, ChainOutcome<SubscribeModifiers> outcome) {
        boolean v5 = version.isMqtt5();
        List<TopicSubscription> granted;
        int denyCode = -1;
        switch (outcome) {
            case ChainOutcome.Allowed<SubscribeModifiers> ok ->
                    granted = ok.modifiers().map(SubscribeModifiers::topics).orElse(valid);
            case ChainOutcome.Exhausted<SubscribeModifiers> ex -> {
                granted = valid;
                if (!settings.noMatch().allows(ex)) {
                    denyCode = v5 ? Packets.NOT_AUTHORIZED : Packets.UNSPECIFIED_ERROR;
                }
            }
            case ChainOutcome.Denied<SubscribeModifiers> denied -> {
                granted = valid;
                denyCode = v5 ? Packets.subAckCode(denied.reasonCode().map(ReasonCode::code).orElse(Packets.NOT_AUTHORIZED))
                        : Packets.UNSPECIFIED_ERROR;
            }
            case ChainOutcome.Failed<SubscribeModifiers> failed -> {
                granted = valid;
                denyCode = v5 ? Packets.NOT_AUTHORIZED : Packets.UNSPECIFIED_ERROR;
            }
        }
        List<Integer> codes = new ArrayList<>(early.length);
        for (int code : early) {
            codes.add(code);
        }
        List<TopicSubscription> stored = new ArrayList<>();
        List<Message> retainedToSend = new ArrayList<>();
        for (int k = 0; k < granted.size(); k++) {
            TopicSubscription sub = granted.get(k);
            int code;
            if (denyCode >= 0) {
                code = denyCode;
            } else if (sub.isRejected()) {
                code = v5 ? Packets.NOT_AUTHORIZED : Packets.UNSPECIFIED_ERROR;
            } else if (!registry.maySubscribe(session, sub.filter())) {
                // broker.max_subscriptions_per_client: refused, the others stay.
                code = v5 ? Packets.QUOTA_EXCEEDED : Packets.UNSPECIFIED_ERROR;
            } else {
                boolean isNew = registry.subscribe(session, sub);
                stored.add(sub);
                code = sub.qos();
                RetainHandling rh = sub.options().retainHandling();
                // MQTT 5 §4.8.2: retained messages are not sent for a shared subscription.
                if (sub.filter().startsWith("$share/")) {
                    rh = RetainHandling.DONT_SEND;
                }
                if (rh == RetainHandling.SEND_RETAIN || (rh == RetainHandling.SEND_IF_NEW_SUB && isNew)) {
                    for (Message r : registry.retained().matching(mountpoint, sub.filter())) {
                        List<Integer> ids = sub.options().subscriptionIdentifier().isPresent()
                                ? List.of(sub.options().subscriptionIdentifier().getAsInt()) : List.of();
                        retainedToSend.add(r.forDelivery(Math.min(r.qos(), sub.qos()), true, ids));
                    }
                }
            }
            // A rewrite answers the requested filters by position; extra entries are subscribed silently.
            if (k < validIndex.size()) {
                codes.set(validIndex.get(k), code);
            }
        }
        for (int i = 0; i < codes.size(); i++) {
            if (codes.get(i) < 0) {
                // The rewrite returned fewer entries than were requested: the rest are refused.
                codes.set(i, v5 ? Packets.NOT_AUTHORIZED : Packets.UNSPECIFIED_ERROR);
            }
        }
        ctx.writeAndFlush(Packets.subAck(packetId, codes));
        for (Message r : retainedToSend) {
            deliverOnLoop(r);
        }
        var hook = v5 ? Hooks.ON_SUBSCRIBE_M5 : Hooks.ON_SUBSCRIBE;
        if (!stored.isEmpty() && dispatcher.has(hook)) {
            dispatcher.notify(lane, hook, new SubscribeContext(version, mountpoint, clientId, username, stored, props));
        }
    }

    private void onUnsubscribe(MqttUnsubscribeMessage m) {
        boolean v5 = version.isMqtt5();
        int packetId = m.idAndPropertiesVariableHeader().messageId();
        List<String> filters = m.payload().topics();
        MqttProperties props;
        try {
            props = PropertyMapping.fromWire(m.idAndPropertiesVariableHeader().properties());
        } catch (IllegalArgumentException e) {
            disconnect(Packets.PROTOCOL_ERROR, "invalid UNSUBSCRIBE properties");
            return;
        }
        if (!mayUnsubscribe) {
            // allow_unsubscribe=false: the subscriptions stay; MQTT 5 says so, MQTT 3 has no negative UNSUBACK.
            List<Short> codes = new ArrayList<>(filters.size());
            filters.forEach(f -> codes.add((short) (v5 ? Packets.NOT_AUTHORIZED : Packets.SUCCESS)));
            ctx.writeAndFlush(Packets.unsubAck(packetId, codes));
            return;
        }
        ChainHook<UnsubscribeContext, UnsubscribeModifiers> hook = v5 ? Hooks.ON_UNSUBSCRIBE_M5 : Hooks.ON_UNSUBSCRIBE;
        if (!dispatcher.has(hook)) {
            unsubscribe(packetId, filters, filters);
            return;
        }
        UnsubscribeContext uc = new UnsubscribeContext(version, mountpoint, clientId, username, filters, props);
        await(chain(hook, uc), outcome -> {
            List<String> effective = outcome instanceof ChainOutcome.Allowed<UnsubscribeModifiers> ok && ok.modifiers().isPresent()
                    ? ok.modifiers().get().topics() : filters;
            unsubscribe(packetId, filters, effective);
        });
    }

    private void unsubscribe(int packetId, List<String> requested, List<String> effective) {
        List<Short> codes = new ArrayList<>(requested.size());
        for (int i = 0; i < effective.size(); i++) {
            boolean existed = registry.unsubscribe(session, effective.get(i));
            if (i < requested.size()) {
                codes.add((short) (existed ? Packets.SUCCESS : Packets.NO_SUBSCRIPTION_EXISTED));
            }
        }
        while (codes.size() < requested.size()) {
            codes.add((short) Packets.SUCCESS);
        }
        ctx.writeAndFlush(Packets.unsubAck(packetId, codes));
    }

    // ---------------------------------------------------------------- PUBLISH out

    // Deliveries from other threads wait in `incoming`; this event loop takes them in one task per
    // burst, and a publisher's event loop wakes each target loop once per read burst, not per message.
    // Grown in chunks of 64: the default first chunk (1,025 slots, 4 KB) was half of an idle client's heap.
    private final java.util.Queue<Message> incoming = io.netty.util.internal.PlatformDependent.newMpscQueue(64, 1 << 30);
    private final java.util.concurrent.atomic.AtomicBoolean incomingScheduled = new java.util.concurrent.atomic.AtomicBoolean();
    private static final io.netty.util.concurrent.FastThreadLocal<java.util.Map<io.netty.util.concurrent.EventExecutor,
            List<ConnectionHandler>>> WAKEUPS = new io.netty.util.concurrent.FastThreadLocal<>() {
                @Override
                protected java.util.Map<io.netty.util.concurrent.EventExecutor, List<ConnectionHandler>> initialValue() {
                    return new java.util.IdentityHashMap<>();
                }
            };

    /** Called from any thread: a message for this client. */
    void deliver(Message m) {
        if (ctx.executor().inEventLoop()) {
            deliverOnLoop(m);
            return;
        }
        incoming.offer(m);
        if (!incomingScheduled.compareAndSet(false, true)) {
            return;
        }
        io.netty.util.concurrent.EventExecutor source = io.netty.util.internal.ThreadExecutorMap.currentExecutor();
        if (source == null) {
            ctx.executor().execute(this::drainIncoming);
            return;
        }
        // On an event loop: wake the target loop after the current burst, once for all its clients.
        var pending = WAKEUPS.get();
        if (pending.isEmpty()) {
            source.execute(ConnectionHandler::wakeTargets);
        }
        pending.computeIfAbsent(ctx.executor(), e -> new ArrayList<>()).add(this);
    }

    private static void wakeTargets() {
        var pending = WAKEUPS.get();
        for (var e : pending.entrySet()) {
            List<ConnectionHandler> targets = e.getValue();
            e.getKey().execute(() -> targets.forEach(ConnectionHandler::drainIncoming));
        }
        pending.clear();
    }

    private void drainIncoming() {
        incomingScheduled.set(false);
        Message m;
        while ((m = incoming.poll()) != null) {
            deliverOnLoop(m);
        }
    }

    private void deliverOnLoop(Message m) {
        if (closed) {
            handBack(m);
            return;
        }
        if (backlog != null) {
            // The offline queue is still being handed over: behind it, in order.
            behindBacklog(m);
            return;
        }
        deliverNow(m);
    }

    /** Queues a live message behind the backlog; past its bound the slow-consumer policy applies. */
    private void behindBacklog(Message m) {
        if (backlog.size() >= backlogBound) {
            if (settings.delivery().slowConsumerPolicy() == DeliverySettings.SlowConsumerPolicy.DISCONNECT) {
                backlog.addLast(m);
                slowConsumer("stays behind: its offline queue and what came since exceed the bounds");
                return;
            }
            backlog.pollFirst();
            registry.stats().messageDropped();
        }
        backlog.addLast(m);
    }

    private void deliverNow(Message m) {
        ChainHook<PublishContext, DeliverModifiers> hook = version.isMqtt5() ? Hooks.ON_DELIVER_M5 : Hooks.ON_DELIVER;
        if (!dispatcher.has(hook)) {
            outbox.send(m);
            return;
        }
        PublishContext pc = new PublishContext(version, mountpoint, clientId, username, m.topic(), m.qos(), m.payload(),
                m.retain(), m.properties());
        // Deliveries do not hold up the client's inbound packets; the lane keeps them in order.
        dispatcher.chain(lane, hook, pc).thenAcceptAsync(outcome -> {
            Message out = m;
            if (outcome instanceof ChainOutcome.Allowed<DeliverModifiers> ok && ok.modifiers().isPresent()) {
                DeliverModifiers mods = ok.modifiers().get();
                out = m.rewritten(mods.topic().orElse(m.topic()), mods.payload().orElse(m.payload()),
                        mods.properties().map(m.properties()::merge).orElse(m.properties()));
            }
            if (closed) {
                handBack(out);
                return;
            }
            outbox.send(out);
        }, ctx.executor());
    }

    /**
     * A message that arrived while the connection is closing. Until channelInactive has run the
     * session still points here, so keep it with the unacknowledged ones (channelInactive hands
     * them back); afterwards give it to the session, which queues it or passes it to a successor.
     */
    private void handBack(Message m) {
        if (m.qos() == 0 || session == null) {
            return;
        }
        if (connected && backlog != null) {
            backlog.addLast(m);
        } else if (connected) {
            outbox.keep(m);
        } else {
            registry.offer(session, m);
        }
    }

    private void onPubRec(MqttMessage m) {
        int id = packetId(m);
        if (m.variableHeader() instanceof io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader r
                && (r.reasonCode() & 0xFF) >= 0x80) {
            outbox.acknowledged(id);
            return;
        }
        outbox.received(id);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext context) {
        if (context.channel().isWritable() && !closed && outbox != null) {
            outbox.pump();
        }
        context.fireChannelWritabilityChanged();
    }

    // ---------------------------------------------------------------- DISCONNECT, close, errors

    private void onDisconnect(MqttMessage m) {
        int reason = 0;
        if (version.isMqtt5() && m.variableHeader() instanceof MqttReasonCodeAndPropertiesVariableHeader vh) {
            reason = vh.reasonCode() & 0xFF;
            try {
                MqttProperties props = PropertyMapping.fromWire(vh.properties());
                props.sessionExpiryInterval().ifPresent(session::expirySeconds);
            } catch (IllegalArgumentException e) {
                LOG.debug("client {}: ignoring invalid DISCONNECT properties", clientId);
            }
        }
        // 0x04 is "disconnect with will message"; any other clean DISCONNECT discards the will.
        cleanDisconnect = reason != 0x04;
        if (cleanDisconnect) {
            will = null;
        }
        ctx.close();
    }

    /** Another connection took this session over. */
    void takenOver() {
        ctx.executor().execute(() -> {
            if (closed) {
                return;
            }
            if (version.isMqtt5()) {
                sendAndClose(Packets.disconnect(Packets.SESSION_TAKEN_OVER));
            } else {
                ctx.close();
            }
        });
    }

    /** The broker is shutting down. */
    void shutdown() {
        ctx.executor().execute(() -> {
            if (closed) {
                return;
            }
            if (connected && version.isMqtt5()) {
                sendAndClose(Packets.disconnect(Packets.SERVER_SHUTTING_DOWN));
            } else {
                ctx.close();
            }
        });
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
        closed = true;
        inbound.clear();
        leaveSession();
        context.fireChannelInactive();
    }

    /**
     * Gives the session back (once): what is unacknowledged or never went out goes to it, the
     * will is published. At channelInactive, or earlier for a slow consumer, so that what arrives
     * while its socket closes is queued by the session's rules rather than by this connection's.
     */
    private void leaveSession() {
        if (connected) {
            connected = false;
            registry.stats().clientConnected(-1);
            outbox.close();
            if (lifetimeTimer != null) {
                lifetimeTimer.cancel(false);
            }
            // takeWaiting() also lets the publishers paused on this subscriber go on.
            registry.disconnected(session, this, outbox.takeInFlight(), undelivered());
            // After the session is detached, so that a delayed will sees whether the session lives on.
            if (will != null && !cleanDisconnect) {
                publishWill();
            }
            LOG.debug("client {} disconnected", clientId);
        }
    }

    /** What never went out, in order: the outbox's queue, then what was left of the offline backlog. */
    private List<Message> undelivered() {
        List<Message> out = outbox.takeWaiting();
        if (backlog != null) {
            if (drainTimer != null) {
                drainTimer.cancel(false);
            }
            backlog.stream().filter(m -> m.qos() > 0).forEach(out::add);
            backlog = null;
        }
        return out;
    }

    /** Publishes the will now, or after the MQTT 5 will delay if the session outlives the connection. */
    private void publishWill() {
        Message w = will;
        will = null;
        String target = mountpoint;
        Runnable publish = () -> {
            registry.publish(target, w);
            firePublished(target, w);
        };
        if (willDelaySeconds > 0) {
            registry.delayWill(session, willDelaySeconds, publish);
        } else {
            publish.run();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext context, Object evt) {
        if (evt instanceof IdleStateEvent) {
            LOG.debug("client {}: keep-alive expired", clientId);
            if (connected && version.isMqtt5()) {
                sendAndClose(Packets.disconnect(Packets.KEEP_ALIVE_TIMEOUT));
            } else {
                ctx.close();
            }
            return;
        }
        context.fireUserEventTriggered(evt);
    }

    private void onMalformed(Throwable cause) {
        closed = true;
        inbound.clear();
        if (cause instanceof MqttUnacceptableProtocolVersionException) {
            Disconnector.STANDARD.send(ctx, Packets.connAck(MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION,
                    false, io.netty.handler.codec.mqtt.MqttProperties.NO_PROPERTIES));
        } else if (cause instanceof MqttIdentifierRejectedException) {
            Disconnector.STANDARD.send(ctx, Packets.connAck(MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED, false,
                    io.netty.handler.codec.mqtt.MqttProperties.NO_PROPERTIES));
        } else if (connected && version.isMqtt5()) {
            sendAndClose(Packets.disconnect(Packets.reasonCodeOf(cause)));
        } else if (!connected && !connecting && cause instanceof MqttViolation v && v.inConnect() && v.mqtt5()) {
            // MQTT 5 §4.13.1: a CONNECT that breaks the protocol may be answered with a CONNACK that says how.
            Disconnector.STANDARD.send(ctx, Packets.connAck(Packets.connAckCode5(v.reasonCode()), false,
                    io.netty.handler.codec.mqtt.MqttProperties.NO_PROPERTIES));
        } else {
            ctx.close();
        }
        LOG.debug("client {}: malformed packet: {}", clientId, cause == null ? "?" : cause.getMessage());
    }

    private void protocolError(String what) {
        LOG.debug("client {}: protocol error: {}", clientId, what);
        disconnect(Packets.PROTOCOL_ERROR, what);
    }

    private void disconnect(int reasonCode, String why) {
        LOG.debug("client {}: disconnecting: {}", clientId, why);
        closed = true;
        inbound.clear();
        if (connected && version != null && version.isMqtt5()) {
            sendAndClose(Packets.disconnect(reasonCode));
        } else {
            ctx.close();
        }
    }

    /**
     * An MQTT 5 DISCONNECT from the broker: the {@link Disconnector} makes sure it reaches the
     * client, which takes up to its drain time; the session is given back now, not then.
     */
    private void sendAndClose(Object disconnectPacket) {
        closed = true;
        inbound.clear();
        Disconnector.STANDARD.send(ctx, disconnectPacket);
        leaveSession();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        // The last handler: nothing reaches Netty's tail. Resets are normal; anything else is worth a line.
        if (cause instanceof IOException) {
            LOG.debug("client {}: {}", clientId, cause.toString());
        } else if (cause instanceof DecoderException) {
            LOG.debug("client {}: undecodable input: {}", clientId, cause.getMessage());
        } else {
            LOG.warn("client {}: closing after {}", clientId, cause.toString());
            LOG.debug("pipeline error", cause);
        }
        context.close();
    }

    // ---------------------------------------------------------------- limits and admin actions

    /**
     * Resolves an MQTT 5 topic alias (§3.3.2.3.4): a PUBLISH with a topic sets the alias, one
     * with an empty topic uses it. Returns null after closing the connection for a bad alias.
     */
    private InboundPublish resolveAlias(InboundPublish p, int alias) {
        if (alias <= 0 || alias > settings.topicAliasMaximum()) {
            disconnectInOrder(Packets.TOPIC_ALIAS_INVALID, "topic alias " + alias + " out of range");
            return null;
        }
        if (!p.topic().isEmpty()) {
            if (topicAliases == null) {
                topicAliases = new String[settings.topicAliasMaximum() + 1];
            }
            topicAliases[alias] = p.topic();
            return p;
        }
        String topic = topicAliases == null ? null : topicAliases[alias];
        if (topic == null) {
            disconnectInOrder(Packets.PROTOCOL_ERROR, "unknown topic alias " + alias);
            return null;
        }
        return new InboundPublish(topic, p.qos(), p.retain(), p.packetId(), p.payload(), p.wireProperties());
    }

    /** max_message_rate: past the rate in the current second, reading pauses until the second is over. */
    private void countForRate() {
        long now = System.nanoTime();
        if (now - rateWindowStart >= 1_000_000_000L) {
            rateWindowStart = now;
            rateWindowCount = 0;
        }
        if (++rateWindowCount >= maxMessageRate) {
            throttle(Math.max(1, (1_000_000_000L - (now - rateWindowStart)) / 1_000_000L));
        }
    }

    /** Stops reading from the client for {@code millis} (the publish throttle modifier, max_message_rate). */
    private void throttle(long millis) {
        if (millis <= 0 || throttled || closed) {
            return;
        }
        throttled = true;
        updateAutoRead();
        ctx.executor().schedule(() -> {
            throttled = false;
            updateAutoRead();
        }, millis, TimeUnit.MILLISECONDS);
    }

    /** Called from any thread: what a taken-over connection left unacknowledged, to resend with their ids. */
    void resendTakenOver(List<InFlight> entries) {
        if (entries.isEmpty()) {
            return;
        }
        ctx.executor().execute(() -> {
            if (closed || !connected) {
                entries.stream().filter(f -> !f.released()).forEach(f -> handBack(f.message()));
                return;
            }
            outbox.resend(entries);
        });
    }

    /** Called from any thread: an administrator (vmq_api) disconnects the client. */
    void kick(boolean sessionDiscarded) {
        ctx.executor().execute(() -> {
            if (!closed) {
                disconnect(Packets.ADMINISTRATIVE_ACTION, sessionDiscarded ? "disconnected, session discarded"
                        : "disconnected by an administrator");
            }
        });
    }

    // ---------------------------------------------------------------- helpers

    private Peer peer() {
        SocketAddress a = ctx.channel().remoteAddress();
        if (a instanceof InetSocketAddress in) {
            return new Peer(in.getAddress() == null ? in.getHostString() : in.getAddress().getHostAddress(), in.getPort());
        }
        return new Peer(String.valueOf(a), 0);
    }

    private Listener spiListener() {
        SocketAddress a = ctx.channel().localAddress();
        if (a instanceof InetSocketAddress in) {
            return new Listener(in.getAddress() == null ? in.getHostString() : in.getAddress().getHostAddress(),
                    in.getPort(), listener.type().spiType());
        }
        return new Listener(listener.host(), listener.port(), listener.type().spiType());
    }
}
