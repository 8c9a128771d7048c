package io.polyhook.broker.config;

import java.time.Duration;

/**
 * The {@code broker} section.
 *
 * @param allowAnonymous     admit clients without calling {@code auth_on_register}
 * @param noMatch            what an exhausted publish/subscribe authorization means ({@link NoMatch})
 * @param connectTimeout     how long a new connection may take to send CONNECT
 * @param maxPacketSize      the largest MQTT packet accepted, in bytes
 * @param maxOfflineMessages the largest queue of an offline persistent session (oldest dropped and counted)
 * @param maxInflight        unacknowledged outgoing QoS 1/2 messages per client (MQTT 5 clients may ask for fewer)
 * @param maxPending         packets of one client that may wait behind a pending verdict before reading pauses
 * @param maxConnections     open connections the broker accepts at once, 0 for no limit
 * @param maxConnectionsPerIp open connections one remote address may hold at once, 0 for no limit
 * @param receiveMaximum     inbound QoS 1/2 PUBLISHes a client may have unacknowledged (MQTT 5 Receive Maximum)
 * @param topicAliasMaximum  inbound topic aliases an MQTT 5 client may use, 0 for none
 * @param persistentSessionExpiry seconds an MQTT 3 session with clean_session=false outlives its connection;
 *                           {@link #NEVER} for ever; one day by default
 * @param sysInterval        how often {@code $SYS} statistics are published; {@link Duration#ZERO} for never
 * @param nodeName           the node's name in {@code $SYS/<node>/...}
 * @param maxOnlineMessages  the largest outgoing queue of an online client behind a slow socket: publishers
 *                           to it are paused well before, so only a consumer that stays behind loses its
 *                           oldest messages (dropped and counted, or disconnected: {@code delivery})
 * @param delivery           slow consumers, shared subscription policy and offline-queue draining
 * @param maxKeepalive       the longest keep-alive, in seconds, a client may use (as Mosquitto's
 *                           {@code max_keepalive}): MQTT 5 clients that ask for more, or for none, are told
 *                           this one (CONNACK Server Keep Alive); MQTT 3 clients that do are refused.
 *                           {@link #NO_KEEPALIVE_LIMIT} (the default) for no limit
 * @param limits             what one client and all of them may make the broker hold (bytes, subscriptions, retained)
 */
public record BrokerSettings(boolean allowAnonymous, NoMatch noMatch, Duration connectTimeout, int maxPacketSize,
                             int maxOfflineMessages, int maxInflight, int maxPending, int maxConnections,
                             int maxConnectionsPerIp, int receiveMaximum, int topicAliasMaximum,
                             long persistentSessionExpiry, Duration sysInterval, String nodeName,
                             int maxOnlineMessages, DeliverySettings delivery, int maxKeepalive,
                             ResourceLimits limits) {

    /** Checks the no_match rule is present. */
    public BrokerSettings {
        java.util.Objects.requireNonNull(noMatch, "noMatch");
    }

    /** "Never expires": MQTT 5's largest session expiry interval. */
    public static final long NEVER = 0xFFFF_FFFFL;

    /** {@code max_keepalive} when none is set: MQTT's largest keep-alive, so any client's is within it. */
    public static final int NO_KEEPALIVE_LIMIT = 65_535;

    /**
     * How long an MQTT 3 persistent session outlives its connection unless configured: one day.
     * Not "never": a session that nobody comes back to would hold its queue and subscriptions for ever.
     */
    public static final long DEFAULT_PERSISTENT_SESSION_EXPIRY = 24 * 3600;

    /**
     * The settings without a config file: anonymous clients allowed (the listeners are on the
     * loopback interface then), no_match unset, 10 s, 256 KiB, 1000, 32, 64, no connection limits.
     */
    public static final BrokerSettings DEFAULT =
            new BrokerSettings(true, NoMatch.DENY_WHEN_HANDLED, Duration.ofSeconds(10), 256 * 1024, 1000, 32, 64);

    /**
     * The defaults of the {@code broker} section of a config file: as {@link #DEFAULT}, but
     * anonymous clients are refused unless the file allows them.
     */
    public static final BrokerSettings DEFAULT_WITH_FILE = DEFAULT.withAllowAnonymous(false);

    /** The first seven settings; the others take their defaults. */
    public BrokerSettings(boolean allowAnonymous, NoMatch noMatch, Duration connectTimeout, int maxPacketSize,
                          int maxOfflineMessages, int maxInflight, int maxPending) {
        this(allowAnonymous, noMatch, connectTimeout, maxPacketSize, maxOfflineMessages, maxInflight, maxPending,
                0, 0, 64, 16, DEFAULT_PERSISTENT_SESSION_EXPIRY, Duration.ofSeconds(10), "polyhook", 10_000,
                DeliverySettings.DEFAULT, NO_KEEPALIVE_LIMIT, ResourceLimits.DEFAULT);
    }

    /** These settings with another anonymous-access rule. */
    public BrokerSettings withAllowAnonymous(boolean value) {
        return new BrokerSettings(value, noMatch, connectTimeout, maxPacketSize, maxOfflineMessages, maxInflight,
                maxPending, maxConnections, maxConnectionsPerIp, receiveMaximum, topicAliasMaximum, persistentSessionExpiry,
                sysInterval, nodeName, maxOnlineMessages, delivery, maxKeepalive, limits);
    }

    /** These settings with another no_match rule. */
    public BrokerSettings withNoMatch(NoMatch value) {
        return new BrokerSettings(allowAnonymous, value, connectTimeout, maxPacketSize, maxOfflineMessages, maxInflight,
                maxPending, maxConnections, maxConnectionsPerIp, receiveMaximum, topicAliasMaximum, persistentSessionExpiry,
                sysInterval, nodeName, maxOnlineMessages, delivery, maxKeepalive, limits);
    }

    /** These settings with another CONNECT timeout. */
    public BrokerSettings withConnectTimeout(Duration value) {
        return new BrokerSettings(allowAnonymous, noMatch, value, maxPacketSize, maxOfflineMessages, maxInflight,
                maxPending, maxConnections, maxConnectionsPerIp, receiveMaximum, topicAliasMaximum, persistentSessionExpiry,
                sysInterval, nodeName, maxOnlineMessages, delivery, maxKeepalive, limits);
    }

    /** These settings with other connection limits (0 for none). */
    public BrokerSettings withMaxConnections(int total, int perIp) {
        return new BrokerSettings(allowAnonymous, noMatch, connectTimeout, maxPacketSize, maxOfflineMessages,
                maxInflight, maxPending, total, perIp, receiveMaximum, topicAliasMaximum, persistentSessionExpiry,
                sysInterval, nodeName, maxOnlineMessages, delivery, maxKeepalive, limits);
    }

    /** These settings with another offline queue bound. */
    public BrokerSettings withMaxOfflineMessages(int value) {
        return new BrokerSettings(allowAnonymous, noMatch, connectTimeout, maxPacketSize, value,
                maxInflight, maxPending, maxConnections, maxConnectionsPerIp, receiveMaximum, topicAliasMaximum,
                persistentSessionExpiry, sysInterval, nodeName, maxOnlineMessages, delivery, maxKeepalive, limits);
    }

    /** These settings with another inbound Receive Maximum and topic alias maximum. */
    public BrokerSettings withInboundLimits(int receiveMax, int topicAliasMax) {
        return new BrokerSettings(allowAnonymous, noMatch, connectTimeout, maxPacketSize, maxOfflineMessages,
                maxInflight, maxPending, maxConnections, maxConnectionsPerIp, receiveMax, topicAliasMax,
                persistentSessionExpiry, sysInterval, nodeName, maxOnlineMessages, delivery, maxKeepalive, limits);
    }

    /** These settings with another MQTT 3 persistent-session expiry, in seconds ({@link #NEVER} for never). */
    public BrokerSettings withPersistentSessionExpiry(long seconds) {
        return new BrokerSettings(allowAnonymous, noMatch, connectTimeout, maxPacketSize, maxOfflineMessages,
                maxInflight, maxPending, maxConnections, maxConnectionsPerIp, receiveMaximum, topicAliasMaximum, seconds,
                sysInterval, nodeName, maxOnlineMessages, delivery, maxKeepalive, limits);
    }

    /** These settings with another online queue bound. */
    public BrokerSettings withMaxOnlineMessages(int value) {
        return new BrokerSettings(allowAnonymous, noMatch, connectTimeout, maxPacketSize, maxOfflineMessages,
                maxInflight, maxPending, maxConnections, maxConnectionsPerIp, receiveMaximum, topicAliasMaximum,
                persistentSessionExpiry, sysInterval, nodeName, value, delivery, maxKeepalive, limits);
    }

    /** These settings with another {@code $SYS} interval ({@link Duration#ZERO} for none) and node name. */
    public BrokerSettings withSys(Duration interval, String node) {
        return new BrokerSettings(allowAnonymous, noMatch, connectTimeout, maxPacketSize, maxOfflineMessages,
                maxInflight, maxPending, maxConnections, maxConnectionsPerIp, receiveMaximum, topicAliasMaximum,
                persistentSessionExpiry, interval, node, maxOnlineMessages, delivery, maxKeepalive, limits);
    }

    /** These settings with other delivery settings (slow consumers, shared subscriptions, draining). */
    public BrokerSettings withDelivery(DeliverySettings value) {
        return new BrokerSettings(allowAnonymous, noMatch, connectTimeout, maxPacketSize, maxOfflineMessages,
                maxInflight, maxPending, maxConnections, maxConnectionsPerIp, receiveMaximum, topicAliasMaximum,
                persistentSessionExpiry, sysInterval, nodeName, maxOnlineMessages, value, maxKeepalive, limits);
    }

    /** These settings with other resource limits. */
    public BrokerSettings withLimits(ResourceLimits value) {
        return new BrokerSettings(allowAnonymous, noMatch, connectTimeout, maxPacketSize, maxOfflineMessages,
                maxInflight, maxPending, maxConnections, maxConnectionsPerIp, receiveMaximum, topicAliasMaximum,
                persistentSessionExpiry, sysInterval, nodeName, maxOnlineMessages, delivery, maxKeepalive, value);
    }

    /** These settings with another {@code max_keepalive} ({@link #NO_KEEPALIVE_LIMIT} for none). */
    public BrokerSettings withMaxKeepalive(int seconds) {
        return new BrokerSettings(allowAnonymous, noMatch, connectTimeout, maxPacketSize, maxOfflineMessages,
                maxInflight, maxPending, maxConnections, maxConnectionsPerIp, receiveMaximum, topicAliasMaximum,
                persistentSessionExpiry, sysInterval, nodeName, maxOnlineMessages, delivery, seconds, limits);
    }
}
