package io.polyhook.broker.connection;

import io.netty.handler.codec.mqtt.MqttMessageType;
import io.polyhook.broker.codec.Packets;
import io.polyhook.broker.codec.PropertyMapping;
import io.polyhook.broker.hookbridge.HookContexts;
import io.polyhook.broker.hookbridge.ReasonCodes;
import io.polyhook.broker.hookbridge.Refusal;
import io.polyhook.broker.routing.DeliveryTarget;
import io.polyhook.broker.routing.Message;
import io.polyhook.broker.routing.PublishOrigin;
import io.polyhook.core.hook.ChainOutcome;
import io.polyhook.core.hook.HandlerOrigin;
import io.polyhook.core.hook.internal.HookDispatcher;
import io.polyhook.spi.MqttProperties;
import io.polyhook.spi.PublishModifiers;
import io.polyhook.spi.SharedSubscriptionPolicy;
import io.polyhook.spi.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The client's PUBLISHes, from the packet to the router: properties, topic aliases,
 * {@code max_message_rate} and {@code max_message_size}, the inbound QoS 1/2 state
 * ({@link InboundWindow}), {@code auth_on_publish[_m5]} pipelined through the
 * {@link InboundSequencer}, the verdict's modifiers, the acknowledgement, the route and
 * {@code on_publish[_m5]}. As the publisher it is the router's {@link PublishOrigin}: a congested
 * subscriber stalls its reading for a while.
 */
final class InboundPublishFlow implements PublishOrigin {

    private static final Logger LOG = LoggerFactory.getLogger(InboundPublishFlow.class);
    // What allow_publish=false from auth_on_register amounts to, without calling a hook.
    private static final ChainOutcome<PublishModifiers> NOT_PERMITTED = new ChainOutcome.Denied<>(
            Optional.empty(), Optional.empty(), HandlerOrigin.plugin("allow_publish"), ChainOutcome.Cause.VERDICT);
    // allow_publish_during_netsplit: false while the cluster is not whole (VerneMQ answers an error too).
    private static final ChainOutcome<PublishModifiers> NETSPLIT = new ChainOutcome.Denied<>(
            Optional.of(io.polyhook.spi.ReasonCode.IMPLEMENTATION_SPECIFIC_ERROR), Optional.of("cluster netsplit"),
            HandlerOrigin.plugin("cluster"), ChainOutcome.Cause.VERDICT);
    // A PUBLISH to a topic the broker owns ($SYS), refused before any hook.
    private static final ChainOutcome<PublishModifiers> BROKER_OWNED_TOPIC = new ChainOutcome.Denied<>(
            Optional.empty(), Optional.empty(), HandlerOrigin.plugin("$SYS"), ChainOutcome.Cause.VERDICT);

    private final Connection c;
    private final HookDispatcher dispatcher;
    private final InboundWindow window;
    private final IncomingTopicAliases aliases;
    private final DurablePublish durable;
    private MessageRate rate;
    private boolean laneWakeScheduled;
    private final Runnable wakeLane = this::wakeLane;

    InboundPublishFlow(Connection connection) {
        this.c = connection;
        this.dispatcher = connection.services.dispatcher;
        this.window = new InboundWindow(connection.services.settings.receiveMaximum());
        this.aliases = new IncomingTopicAliases(connection.services.settings.topicAliasMaximum());
        this.durable = new DurablePublish(connection);
    }

    /**
     * As a PUBLISH is read (before it queues): counts it against the Receive Maximum. Returns
     * false, after disconnecting, when an MQTT 5 client sent more than it may.
     */
    boolean arrived(int qos, int packetId) {
        if (window.arrivedBeyondMaximum(qos, packetId) && c.state().isConnected() && c.isMqtt5()) {
            c.disconnect(Packets.RECEIVE_MAXIMUM_EXCEEDED, "Receive Maximum exceeded");
            return false;
        }
        return true;
    }

    /** QoS 2 messages received before a restart whose PUBREL has not come: a resend is only acknowledged. */
    void restoreQos2(java.util.List<Integer> packetIds) {
        packetIds.forEach(window::restoreQos2);
    }

    /** The QoS 2 packet ids received and not released yet by PUBREL. */
    java.util.List<Integer> heldQos2() {
        return window.heldQos2();
    }

    /** A PUBLISH, in order. */
    void publish(InboundPublish received) {
        if (!c.state().isConnected()) {
            c.protocolError("PUBLISH before CONNECT");
            return;
        }
        c.services.stats.messageReceived();
        MqttProperties props;
        try {
            props = PropertyMapping.fromWire(received.wireProperties());
        } catch (IllegalArgumentException e) {
            disconnectInOrder(Packets.PROTOCOL_ERROR, "invalid PUBLISH properties");
            return;
        }
        InboundPublish p = received;
        if (c.isMqtt5() && props.topicAlias().isPresent()) {
            p = resolveAlias(received, props.topicAlias().getAsInt());
            if (p == null) {
                return;
            }
        }
        if (!Topics.isValidName(p.topic())) {
            disconnectInOrder(Packets.TOPIC_NAME_INVALID, "invalid topic name in PUBLISH");
            return;
        }
        if (c.policy.maxMessageRate() > 0) {
            if (rate == null) {
                rate = new MessageRate(c.policy.maxMessageRate(), c.services.clock);
            }
            c.gate.throttle(rate.count());
        }
        if (c.policy.maxMessageSize() > 0 && p.payload().size() > c.policy.maxMessageSize()) {
            disconnectInOrder(Packets.PACKET_TOO_LARGE, "PUBLISH above max_message_size");
            return;
        }
        if (p.qos() == 2) {
            if (window.holdsQos2(p.packetId())) {
                // A resent QoS 2 PUBLISH: already routed once, only acknowledge again.
                int id = p.packetId();
                c.sequencer.afterEarlier(() -> {
                    if (c.state().isOpen()) {
                        c.send(Packets.pubReply(MqttMessageType.PUBREC, id, Packets.SUCCESS));
                    }
                });
                return;
            }
            window.holdQos2(p.packetId());
        }
        Message msg = Message.of(p.topic(), p.qos(), p.payload(), p.retain(), PropertyMapping.forwardable(props),
                c.clientId, c.services.clock.read());
        if (ReservedTopics.ownedByBroker(p.topic())) {
            verdictInOrder(p, msg, BROKER_OWNED_TOPIC);
        } else if (!c.policy.mayPublish()) {
            verdictInOrder(p, msg, NOT_PERMITTED);
        } else if (!c.services.sessions.cluster().allowsPublish()) {
            verdictInOrder(p, msg, NETSPLIT);
        } else if (!dispatcher.readsContext(c.hooks.authOnPublish())) {
            // No handler, and the auth cache (always installed) is empty: no context to build.
            verdictInOrder(p, msg, ChainOutcome.unhandled());
        } else {
            CompletableFuture<ChainOutcome<PublishModifiers>> verdict = dispatcher.chainQueued(c.lane,
                    c.hooks.authOnPublish(), HookContexts.publish(c.version, c.mountpoint, c.clientId, c.username, msg))
                    .toCompletableFuture();
            if (verdict.isDone()) {
                // Answered without the lane (an auth cache hit): nothing was queued to wake it for.
                verdictInOrder(p, msg, verdict.join());
                return;
            }
            wakeLaneAfterBurst();
            InboundPublish publish = p;
            c.sequencer.pipeline(verdict, outcome -> verdict(publish, msg, outcome));
        }
    }

    /** Whether no acknowledgement of a PUBLISH waits for the store. */
    boolean settled() {
        return durable.settled();
    }

    /** PUBREL: the QoS 2 exchange ends with PUBCOMP. */
    void released(int packetId) {
        try {
            durable.released(packetId);
        } catch (io.polyhook.broker.store.StoreException e) {
            durable.failed(e);
            return;
        }
        window.released(packetId);
        c.send(Packets.pubReply(MqttMessageType.PUBCOMP, packetId, Packets.SUCCESS));
    }

    /** Applies a verdict known now: at once, unless earlier PUBLISHes still wait for theirs. */
    private void verdictInOrder(InboundPublish p, Message msg, ChainOutcome<PublishModifiers> outcome) {
        if (c.sequencer.pending() == 0) {
            // The usual case without hooks: no step object per message.
            verdict(p, msg, outcome);
        } else {
            c.sequencer.afterEarlier(() -> verdict(p, msg, outcome));
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
            c.ctx.executor().execute(wakeLane);
        }
    }

    private void wakeLane() {
        laneWakeScheduled = false;
        dispatcher.wake(c.lane);
    }

    /** Closes for a bad PUBLISH once the earlier ones are answered; nothing after it is handled. */
    private void disconnectInOrder(int reasonCode, String why) {
        c.sequencer.haltAfterEarlier(() -> c.disconnect(reasonCode, why));
    }

    /**
     * Applies a verdict: the acknowledgement, the route, {@code on_publish}. Also after the
     * connection closed, as a client that sends PUBLISH, DISCONNECT and hangs up at once
     * (mosquitto_pub) has its messages routed all the same (only the acknowledgements are left out).
     */
    private void verdict(InboundPublish p, Message msg, ChainOutcome<PublishModifiers> outcome) {
        String target = c.mountpoint;
        Message routed = msg;
        Refusal refusal = null;
        if (outcome instanceof ChainOutcome.Allowed<PublishModifiers> ok) {
            if (ok.modifiers().isPresent()) {
                PublishModifiers mods = ok.modifiers().get();
                routed = HookContexts.applyPublish(msg, mods);
                target = mods.mountpoint().orElse(target);
                mods.throttle().ifPresent(d -> c.gate.throttle(d.toMillis()));
            }
        } else {
            refusal = ReasonCodes.ofAuthorization(outcome, c.services.settings.noMatch());
        }
        if (!c.state().isOpen()) {
            // No acknowledgement can go out. QoS 0 and 1 are routed (a QoS 1 the client resends is
            // at most a duplicate, which QoS 1 allows); QoS 2 is not, as its resend could not be
            // told from a new message.
            if (refusal == null && p.qos() < 2) {
                route(p, target, routed);
            }
            return;
        }
        if (refusal != null) {
            refused(p, refusal);
            return;
        }
        java.util.concurrent.CompletionStage<Void> stored;
        try {
            stored = durable.route(target, routed, p.qos(), p.packetId(), this);
        } catch (io.polyhook.broker.store.StoreException e) {
            durable.failed(e);
            return;
        }
        // Flushed once after the current read burst, with the deliveries, not one syscall each.
        int id = p.packetId();
        if (p.qos() == 1) {
            durable.acknowledge(stored, () -> {
                window.acknowledgedQos1();
                c.outbound.acknowledge(MqttMessageType.PUBACK, id);
            });
        } else if (p.qos() == 2) {
            durable.acknowledge(stored, () -> c.outbound.acknowledge(MqttMessageType.PUBREC, id));
        }
        c.firePublished(target, routed);
    }

    private void route(InboundPublish p, String target, Message routed) {
        try {
            durable.route(target, routed, p.qos(), p.packetId(), this);
        } catch (io.polyhook.broker.store.StoreException e) {
            durable.failed(e);
            return;
        }
        c.firePublished(target, routed);
    }

    /**
     * A refused PUBLISH is dropped. MQTT 5 QoS 1/2: PUBACK/PUBREC with the reason code and, if
     * the client takes it, the reason string. MQTT 3 has no negative acknowledgement: the message
     * is acknowledged all the same (VerneMQ).
     */
    private void refused(InboundPublish p, Refusal refusal) {
        LOG.debug("client {}: publish to {} not authorized", c.clientId, p.topic());
        boolean v5 = c.isMqtt5();
        int code = v5 ? ReasonCodes.pubAck(refusal.reasonCode()) : Packets.SUCCESS;
        io.netty.handler.codec.mqtt.MqttProperties props = v5
                ? c.problems.reasonString(refusal.reasonString(), false, 3)
                : io.netty.handler.codec.mqtt.MqttProperties.NO_PROPERTIES;
        // Behind the acknowledgements still waiting for the store: PUBACKs go out in PUBLISH order.
        int id = p.packetId();
        if (p.qos() == 1) {
            durable.acknowledge(null, () -> {
                window.acknowledgedQos1();
                c.send(Packets.pubReply(MqttMessageType.PUBACK, id, code, props));
            });
        } else if (p.qos() == 2) {
            durable.acknowledge(null, () -> {
                if (code >= 0x80) {
                    window.refusedQos2(id);
                }
                c.send(Packets.pubReply(MqttMessageType.PUBREC, id, code, props));
            });
        }
    }

    /**
     * Resolves an MQTT 5 topic alias: a PUBLISH with a topic sets the alias, one with an empty
     * topic uses it. Returns null after closing the connection for a bad alias.
     */
    private InboundPublish resolveAlias(InboundPublish p, int alias) {
        if (!aliases.inRange(alias)) {
            disconnectInOrder(Packets.TOPIC_ALIAS_INVALID, "topic alias " + alias + " out of range");
            return null;
        }
        if (!p.topic().isEmpty()) {
            aliases.set(alias, p.topic());
            return p;
        }
        String topic = aliases.topic(alias);
        if (topic == null) {
            disconnectInOrder(Packets.PROTOCOL_ERROR, "unknown topic alias " + alias);
            return null;
        }
        return p.withTopic(topic);
    }

    // ---------------------------------------------------------------- PublishOrigin

    @Override
    public SharedSubscriptionPolicy sharedSubscriptionPolicy() {
        return c.policy.sharedSubscriptionPolicy().orElse(null);
    }

    @Override
    public void reachedCongested(DeliveryTarget target) {
        if (target != c.session) {
            c.gate.stallOn(target);
        }
    }
}
