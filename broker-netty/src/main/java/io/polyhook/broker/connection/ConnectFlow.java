package io.polyhook.broker.connection;

import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectPayload;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttConnectVariableHeader;
import io.netty.handler.timeout.IdleStateHandler;
import io.polyhook.broker.codec.ProblemInformation;
import io.polyhook.broker.codec.PropertyMapping;
import io.polyhook.broker.hookbridge.HookContexts;
import io.polyhook.broker.hookbridge.ProtocolHooks;
import io.polyhook.broker.hookbridge.ReasonCodes;
import io.polyhook.broker.hookbridge.Refusal;
import io.polyhook.broker.routing.Message;
import io.polyhook.core.hook.ChainOutcome;
import io.polyhook.core.hook.internal.HookDispatcher;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.MqttProperties;
import io.polyhook.spi.MqttVersion;
import io.polyhook.spi.PublishModifiers;
import io.polyhook.spi.RegisterContext;
import io.polyhook.spi.RegisterModifiers;
import io.polyhook.spi.SubscriberId;
import io.polyhook.spi.Topics;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * One CONNECT, from the packet to the CONNACK: the client id, keep-alive, the will (checked,
 * then authorized by {@code auth_on_publish} as in VerneMQ), MQTT 5 enhanced authentication
 * first if the client asks for it, then {@code auth_on_register[_m5]} (unless the listener admits
 * anonymous clients), whose modifiers become the client's {@link ClientPolicy}; then
 * {@link Admission} attaches the client to its session.
 */
final class ConnectFlow {

    private static final int SERVER_UNAVAILABLE = 0x88;

    private final Connection c;
    private final MqttConnectMessage connect;
    private final HookDispatcher dispatcher;
    private final boolean allowAnonymous;
    private boolean cleanStart;
    private MqttProperties properties;
    private boolean assignedId;
    private int keepAlive;
    private Optional<Bytes> password = Optional.empty();

    ConnectFlow(Connection connection, MqttConnectMessage connect) {
        this.c = connection;
        this.connect = connect;
        this.dispatcher = connection.services.dispatcher;
        this.allowAnonymous = connection.listener.allowAnonymous().orElse(connection.services.settings.allowAnonymous());
    }

    /** Checks the CONNECT and starts the hooks; the rest follows as their answers come. */
    void start() {
        c.state(ConnectionState.CONNECTING);
        MqttConnectVariableHeader vh = connect.variableHeader();
        MqttConnectPayload pl = connect.payload();
        c.version = MqttVersion.ofLevel(vh.version());
        c.hooks = ProtocolHooks.of(c.version);
        boolean v5 = c.version.isMqtt5();
        try {
            properties = PropertyMapping.fromWire(vh.properties());
        } catch (IllegalArgumentException e) {
            c.refuse(MqttConnectReturnCode.CONNECTION_REFUSED_PROTOCOL_ERROR, "invalid CONNECT properties: " + e.getMessage());
            return;
        }
        if (v5) {
            c.problems = ProblemInformation.of(properties);
        }
        String id = pl.clientIdentifier() == null ? "" : pl.clientIdentifier();
        if (id.isEmpty()) {
            if (v5 || (c.version == MqttVersion.V3_1_1 && vh.isCleanSession())) {
                id = "polyhook-" + UUID.randomUUID();
                assignedId = true;
            } else {
                c.refuse(MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED, "empty client id without clean session");
                return;
            }
        }
        c.clientId = id;
        c.username = Optional.ofNullable(pl.userName());
        c.lane = dispatcher.newLane(id);
        password = Optional.ofNullable(pl.passwordInBytes()).map(Bytes::wrap);
        cleanStart = vh.isCleanSession();
        keepAlive = KeepAliveLimit.apply(vh.keepAliveTimeSeconds(), c.services.settings.maxKeepalive(), v5);
        if (keepAlive == KeepAliveLimit.REFUSE) {
            c.refuse(MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED, "keep-alive above broker.max_keepalive");
            return;
        }
        // Keep-alive supervision: 1.5 times the interval (the CONNECT timeout is gone by now).
        if (keepAlive > 0) {
            c.ctx.pipeline().addBefore(c.ctx.name(), "keepalive",
                    new IdleStateHandler(keepAlive * 1500L, 0, 0, TimeUnit.MILLISECONDS));
        }
        if (vh.isWillFlag() && !acceptWill(vh, pl)) {
            return;
        }
        if (v5 && properties.authenticationMethod().isPresent()) {
            // MQTT 5 enhanced authentication first; auth_on_register_m5 follows it (as in VerneMQ).
            if (!dispatcher.has(Hooks.ON_AUTH_M5)) {
                c.refuse(MqttConnectReturnCode.CONNECTION_REFUSED_BAD_AUTHENTICATION_METHOD, "no on_auth_m5 handler");
                return;
            }
            c.auth = new EnhancedAuth(c, properties.authenticationMethod().get());
            c.auth.start(properties, this::register);
            return;
        }
        register();
    }

    /** Checks the will: its properties and topic; the broker's own topics are refused. */
    private boolean acceptWill(MqttConnectVariableHeader vh, MqttConnectPayload pl) {
        boolean v5 = c.version.isMqtt5();
        MqttProperties willProps;
        try {
            willProps = PropertyMapping.fromWire(pl.willProperties());
        } catch (IllegalArgumentException e) {
            c.refuse(MqttConnectReturnCode.CONNECTION_REFUSED_PROTOCOL_ERROR, "invalid will properties");
            return false;
        }
        if (!Topics.isValidName(pl.willTopic())) {
            c.refuse(v5 ? MqttConnectReturnCode.CONNECTION_REFUSED_TOPIC_NAME_INVALID
                    : MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED, "invalid will topic");
            return false;
        }
        if (ReservedTopics.ownedByBroker(pl.willTopic())) {
            refuseNotAuthorized("will to a topic the broker owns");
            return false;
        }
        byte[] willPayload = pl.willMessageInBytes() == null ? new byte[0] : pl.willMessageInBytes();
        c.will = new Connection.Will(Message.of(pl.willTopic(), vh.willQos(), Bytes.wrap(willPayload), vh.isWillRetain(),
                PropertyMapping.forwardable(willProps), c.clientId, c.services.clock.read()),
                willProps.willDelayInterval().orElse(0L));
        return true;
    }

    /** {@code auth_on_register[_m5]}, unless anonymous clients are admitted without it. */
    private void register() {
        if (allowAnonymous) {
            authorizeWill();
            return;
        }
        if (!dispatcher.has(c.hooks.authOnRegister())) {
            refuseNotAuthorized("no auth_on_register handler");
            return;
        }
        RegisterContext rc = new RegisterContext(c.version, c.peer(), c.spiListener(), c.mountpoint, c.clientId,
                c.username, password, cleanStart, properties, Optional.empty());
        c.sequencer.await(dispatcher.chain(c.lane, c.hooks.authOnRegister(), rc), this::registerVerdict);
    }

    private void registerVerdict(ChainOutcome<RegisterModifiers> outcome) {
        Refusal refusal = ReasonCodes.ofRegister(outcome);
        if (refusal != null) {
            String why = outcome instanceof ChainOutcome.Denied<?> d ? "denied by " + d.decidedBy()
                    : "no handler admitted the client";
            refuse(refusal, why);
            return;
        }
        Optional<RegisterModifiers> modifiers = ((ChainOutcome.Allowed<RegisterModifiers>) outcome).modifiers();
        if (modifiers.isPresent()) {
            RegisterModifiers mods = modifiers.get();
            if (!mods.permission(RegisterModifiers.Permission.ALLOW_REGISTER).orElse(true)) {
                refuseNotAuthorized("allow_register false");
                return;
            }
            mods.subscriberId().ifPresent(sid -> {
                c.mountpoint = sid.mountpoint();
                c.clientId = sid.clientId();
            });
            mods.username().ifPresent(u -> c.username = Optional.of(u));
            mods.cleanSession().ifPresent(value -> cleanStart = value);
            // MQTT 5 register properties replace the CONNECT's (vmq_diversity: no merge).
            mods.properties().ifPresent(p -> properties = p);
            c.policy = ClientPolicy.of(mods);
        }
        if (c.will != null) {
            Message w = c.will.message();
            c.will = new Connection.Will(Message.of(w.topic(), w.qos(), w.payload(), w.retain(), w.properties(),
                    c.clientId, w.receivedNanos()), c.will.delaySeconds());
        }
        authorizeWill();
    }

    /** The will goes through auth_on_publish at CONNECT time, as in VerneMQ. */
    private void authorizeWill() {
        if (c.will == null) {
            admit();
            return;
        }
        if (!dispatcher.has(c.hooks.authOnPublish())) {
            if (c.services.settings.noMatch().allowsUnhandled()) {
                admit();
            } else {
                refuseNotAuthorized("will not authorized (no_match deny)");
            }
            return;
        }
        c.sequencer.await(dispatcher.chain(c.lane, c.hooks.authOnPublish(),
                HookContexts.publish(c.version, c.mountpoint, c.clientId, c.username, c.will.message())), outcome -> {
            Refusal refusal = ReasonCodes.ofAuthorization(outcome, c.services.settings.noMatch());
            if (refusal != null) {
                // Whatever the handler's code, a refused will refuses the CONNECT as not authorized.
                refuse(refusal.withCode(ReasonCodes.NOT_AUTHORIZED), outcome instanceof ChainOutcome.Exhausted<?>
                        ? "will not authorized (no_match deny)" : "will not authorized");
                return;
            }
            if (outcome instanceof ChainOutcome.Allowed<PublishModifiers> ok && ok.modifiers().isPresent()) {
                c.will = new Connection.Will(HookContexts.applyPublish(c.will.message(), ok.modifiers().get()),
                        c.will.delaySeconds());
            }
            admit();
        });
    }

    /** In a cluster the client id is claimed first (taking the session over from another node). */
    private void admit() {
        var claim = c.services.sessions.cluster().claim(new SubscriberId(c.mountpoint, c.clientId), cleanStart);
        if (claim == null) {
            attach();
            return;
        }
        c.sequencer.await(claim.handle((ok, failure) -> Optional.ofNullable(failure)), failure -> {
            if (failure.isPresent()) {
                refuse(Refusal.of(SERVER_UNAVAILABLE), "the cluster refused the client id: " + failure.get().getMessage());
            } else {
                attach();
            }
        });
    }

    private void attach() {
        new Admission(c, cleanStart, properties, keepAlive, keepAlive != connect.variableHeader().keepAliveTimeSeconds(),
                assignedId).run();
    }

    private void refuseNotAuthorized(String why) {
        refuse(Refusal.of(ReasonCodes.NOT_AUTHORIZED), why);
    }

    /** A CONNACK that refuses, with the reason string where the client takes it. */
    private void refuse(Refusal refusal, String why) {
        boolean v5 = c.version.isMqtt5();
        c.refuse(ReasonCodes.connAck(refusal.reasonCode(), v5), why,
                v5 ? c.problems.reasonString(refusal.reasonString(), true, 2)
                        : io.netty.handler.codec.mqtt.MqttProperties.NO_PROPERTIES);
    }
}
