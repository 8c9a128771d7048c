package io.polyhook.broker.connection;

import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttProperties.BinaryProperty;
import io.netty.handler.codec.mqtt.MqttProperties.IntegerProperty;
import io.netty.handler.codec.mqtt.MqttProperties.StringProperty;
import io.polyhook.broker.codec.Packets;
import io.polyhook.broker.config.BrokerSettings;
import io.polyhook.broker.config.DeliverySettings;
import io.polyhook.broker.session.ClientAttachment;
import io.polyhook.broker.session.SessionRegistry;
import io.polyhook.core.hook.internal.HookDispatcher;
import io.polyhook.spi.ClientContext;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.MqttProperties;
import io.polyhook.spi.RegisterContext;
import io.polyhook.spi.SubscriberId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;

import static io.netty.handler.codec.mqtt.MqttProperties.ASSIGNED_CLIENT_IDENTIFIER;
import static io.netty.handler.codec.mqtt.MqttProperties.AUTHENTICATION_DATA;
import static io.netty.handler.codec.mqtt.MqttProperties.AUTHENTICATION_METHOD;
import static io.netty.handler.codec.mqtt.MqttProperties.MAXIMUM_PACKET_SIZE;
import static io.netty.handler.codec.mqtt.MqttProperties.RECEIVE_MAXIMUM;
import static io.netty.handler.codec.mqtt.MqttProperties.SERVER_KEEP_ALIVE;
import static io.netty.handler.codec.mqtt.MqttProperties.SESSION_EXPIRY_INTERVAL;
import static io.netty.handler.codec.mqtt.MqttProperties.TOPIC_ALIAS_MAXIMUM;

/**
 * The end of a CONNECT that was admitted: the outbound flow with the client's limits, the session
 * attached (taken over, resumed or new), the CONNACK with what the broker decided, the
 * {@code on_register} and {@code on_client_wakeup} notifications, and then what the session kept
 * for the client.
 *
 * @param c              the connection
 * @param cleanStart     whether the session starts afresh (after the register hook)
 * @param properties     the CONNECT's properties (or the register hook's, which replace them)
 * @param keepAlive      the keep-alive in force
 * @param serverKeepAlive whether that is not what the client asked for (MQTT 5 says so in CONNACK)
 * @param assignedId     whether the broker chose the client id
 */
record Admission(Connection c, boolean cleanStart, MqttProperties properties, int keepAlive, boolean serverKeepAlive,
                 boolean assignedId) {

    private static final Logger LOG = LoggerFactory.getLogger(Admission.class);
    // How long a connection that took over a live one waits for its in-flight messages: the old
    // connection hands them over as soon as its event loop runs its close, within milliseconds.
    private static final long HANDOVER_WAIT_MILLIS = 5_000;

    void run() {
        BrokerSettings settings = c.services.settings;
        SessionRegistry sessions = c.services.sessions;
        boolean v5 = c.version.isMqtt5();
        // MQTT 3 has no session expiry: broker.persistent_session_expiry decides (never, as in VerneMQ).
        long expiry = v5 ? properties.sessionExpiryInterval().orElse(0L)
                : cleanStart ? 0 : settings.persistentSessionExpiry();
        ClientPolicy policy = c.policy;
        DeliverySettings delivery = settings.delivery();
        int maxOnline = policy.maxOnlineMessages() >= 0 ? policy.maxOnlineMessages() : settings.maxOnlineMessages();
        int window = Math.min(Math.min(properties.receiveMaximum().orElse(65_535), settings.maxInflight()),
                policy.maxInflight());
        // Toward the client, no more aliases than it takes, nor than the broker takes from it.
        c.outbound = new OutboundFlow(c, window, properties.maximumPacketSize().orElse(0L), maxOnline,
                Math.min(properties.topicAliasMaximum().orElse(0), settings.topicAliasMaximum()));
        if (policy.retrySeconds() > 0 && !v5) {
            // MQTT 5 forbids resending except after a reconnect (§4.4); MQTT 3 brokers may retry.
            c.outbound.retryEvery(policy.retrySeconds());
        }
        SessionRegistry.Attached attached = sessions.connect(new ClientAttachment(new SubscriberId(c.mountpoint,
                c.clientId), cleanStart, expiry, c.lane, c.version, policy.queuePolicy(), c.username,
                policy.maySubscribe()), c);
        c.admitted(attached.session());
        c.publishes().restoreQos2(attached.session().takeInboundQos2());
        c.send(Packets.connAck(MqttConnectReturnCode.CONNECTION_ACCEPTED, attached.sessionPresent(),
                v5 ? connAckProperties(expiry) : io.netty.handler.codec.mqtt.MqttProperties.NO_PROPERTIES));
        LOG.debug("client {} connected ({}, mountpoint \"{}\", session present {})", c.clientId, c.version, c.mountpoint,
                attached.sessionPresent());
        notifyRegistered();
        if (attached.previous() != null && attached.sessionPresent()) {
            c.outbound.awaitHandover(HANDOVER_WAIT_MILLIS);
        }
        c.outbound.start(attached.resend(), attached.queued(), attached.journal(),
                policy.drainStep() > 0 ? policy.drainStep() : delivery.maxMsgsPerDrainStep(),
                policy.drainMillis() >= 0 ? policy.drainMillis() : delivery.maxDrainTime().toMillis(), maxOnline);
    }

    /** What the broker tells an MQTT 5 client about its limits and about what it decided. */
    private io.netty.handler.codec.mqtt.MqttProperties connAckProperties(long expiry) {
        BrokerSettings settings = c.services.settings;
        io.netty.handler.codec.mqtt.MqttProperties ack = new io.netty.handler.codec.mqtt.MqttProperties();
        if (assignedId) {
            ack.add(new StringProperty(ASSIGNED_CLIENT_IDENTIFIER, c.clientId));
        }
        ack.add(new IntegerProperty(TOPIC_ALIAS_MAXIMUM, settings.topicAliasMaximum()));
        if (settings.receiveMaximum() < 65_535) {
            ack.add(new IntegerProperty(RECEIVE_MAXIMUM, settings.receiveMaximum()));
        }
        ack.add(new IntegerProperty(MAXIMUM_PACKET_SIZE, settings.maxPacketSize()));
        if (serverKeepAlive) {
            ack.add(new IntegerProperty(SERVER_KEEP_ALIVE, keepAlive));
        }
        if (c.auth != null) {
            ack.add(new StringProperty(AUTHENTICATION_METHOD, c.auth.method()));
            c.auth.response().ifPresent(d -> ack.add(new BinaryProperty(AUTHENTICATION_DATA, d.toByteArray())));
        }
        if (properties.sessionExpiryInterval().orElse(0L) != expiry) {
            ack.add(new IntegerProperty(SESSION_EXPIRY_INTERVAL, (int) expiry));
        }
        return ack;
    }

    private void notifyRegistered() {
        HookDispatcher dispatcher = c.services.dispatcher;
        if (dispatcher.has(c.hooks.onRegister())) {
            dispatcher.notify(c.lane, c.hooks.onRegister(), new RegisterContext(c.version, c.peer(), c.spiListener(),
                    c.mountpoint, c.clientId, c.username, Optional.empty(), cleanStart,
                    c.version.isMqtt5() ? properties : MqttProperties.EMPTY, Optional.empty()));
        }
        if (dispatcher.has(Hooks.ON_CLIENT_WAKEUP)) {
            dispatcher.notify(c.lane, Hooks.ON_CLIENT_WAKEUP, new ClientContext(c.mountpoint, c.clientId));
        }
    }
}
