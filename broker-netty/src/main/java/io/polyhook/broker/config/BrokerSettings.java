package io.polyhook.broker.config;

import java.time.Duration;

/**
 * The {@code broker} section.
 *
 * @param allowAnonymous     admit clients without calling {@code auth_on_register}
 * @param noMatchAllow       what an exhausted publish/subscribe authorization means: allow (true) or deny
 * @param connectTimeout     how long a new connection may take to send CONNECT
 * @param maxPacketSize      the largest MQTT packet accepted, in bytes
 * @param maxOfflineMessages the largest queue of an offline persistent session (oldest dropped)
 * @param maxInflight        unacknowledged outgoing QoS 1/2 messages per client (MQTT 5 clients may ask for fewer)
 * @param maxPending         packets of one client that may wait behind a pending verdict before reading pauses
 */
public record BrokerSettings(boolean allowAnonymous, boolean noMatchAllow, Duration connectTimeout, int maxPacketSize,
                             int maxOfflineMessages, int maxInflight, int maxPending) {

    /** Anonymous clients allowed, no_match allow, 10 s, 256 KiB, 1000, 32, 64. */
    public static final BrokerSettings DEFAULT =
            new BrokerSettings(true, true, Duration.ofSeconds(10), 256 * 1024, 1000, 32, 64);

    /** These settings with another anonymous-access rule. */
    public BrokerSettings withAllowAnonymous(boolean value) {
        return new BrokerSettings(value, noMatchAllow, connectTimeout, maxPacketSize, maxOfflineMessages, maxInflight, maxPending);
    }

    /** These settings with another no_match rule. */
    public BrokerSettings withNoMatchAllow(boolean value) {
        return new BrokerSettings(allowAnonymous, value, connectTimeout, maxPacketSize, maxOfflineMessages, maxInflight, maxPending);
    }

    /** These settings with another CONNECT timeout. */
    public BrokerSettings withConnectTimeout(Duration value) {
        return new BrokerSettings(allowAnonymous, noMatchAllow, value, maxPacketSize, maxOfflineMessages, maxInflight, maxPending);
    }
}
