package io.polyhook.broker.store;

import io.polyhook.spi.MqttVersion;
import io.polyhook.spi.SubscriberId;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A persistent session's own record (its subscriptions, queue, in-flight state and will are
 * records of their own).
 *
 * @param id                 mountpoint and client id
 * @param version            the protocol version of its last connection
 * @param expirySeconds      the session expiry interval; {@code 0xFFFFFFFF} never expires
 * @param disconnectedAt     when its last connection went away (ms since the epoch); empty while
 *                           connected. After a crash a session that was connected has none: the
 *                           broker counts its expiry from the start-up.
 * @param maxOfflineMessages its own queue bound from {@code auth_on_register}, -1 for the broker's
 * @param lastInFirstOut     whether its queue is delivered newest first ({@code queue_type = lifo})
 * @param upgradeQos         whether it gets the subscription's QoS above the published one
 * @param username           the user name of its last connection, for re-authorizing subscriptions
 */
public record StoredSession(SubscriberId id, MqttVersion version, long expirySeconds, OptionalLong disconnectedAt,
                            int maxOfflineMessages, boolean lastInFirstOut, boolean upgradeQos,
                            Optional<String> username) {

    /** MQTT 5's "never expires". */
    public static final long NEVER = 0xFFFF_FFFFL;

    /** Checks every field is present and the expiry a u32. */
    public StoredSession {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(disconnectedAt, "disconnectedAt");
        Objects.requireNonNull(username, "username");
        if (expirySeconds < 0 || expirySeconds > NEVER) {
            throw new IllegalArgumentException("session expiry must be 0..4294967295, was " + expirySeconds);
        }
    }

    /** A connected session with the broker's queue policy. */
    public static StoredSession connected(SubscriberId id, MqttVersion version, long expirySeconds) {
        return new StoredSession(id, version, expirySeconds, OptionalLong.empty(), -1, false, false, Optional.empty());
    }

    /** This session, disconnected at {@code millis}. */
    public StoredSession disconnectedAt(long millis) {
        return new StoredSession(id, version, expirySeconds, OptionalLong.of(millis), maxOfflineMessages,
                lastInFirstOut, upgradeQos, username);
    }

    /**
     * Whether the session has expired at {@code nowMillis}; a session without a disconnect time
     * counts from {@code startMillis} (the broker's start after a crash).
     */
    public boolean isExpired(long nowMillis, long startMillis) {
        if (expirySeconds == NEVER) {
            return false;
        }
        long since = disconnectedAt.orElse(startMillis);
        return nowMillis - since >= expirySeconds * 1000L;
    }
}
