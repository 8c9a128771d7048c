package io.polyhook.broker.connection;

import io.polyhook.broker.config.BrokerSettings;

/**
 * {@code broker.max_keepalive} applied to the keep-alive a client asks for in its CONNECT, as
 * Mosquitto does: within the limit it is kept; above it, or none at all (0) while a limit is set,
 * an MQTT 5 client is told the limit (CONNACK Server Keep Alive, MQTT 5 §3.2.2.3.14) and held to
 * it, and an MQTT 3 client, which cannot be told, is refused (CONNACK 0x02, identifier rejected).
 */
final class KeepAliveLimit {

    /** What {@link #apply} returns for an MQTT 3 client that must be refused. */
    static final int REFUSE = -1;

    private KeepAliveLimit() {
    }

    /** The keep-alive in seconds the broker supervises (0: none), or {@link #REFUSE}. */
    static int apply(int requested, int max, boolean mqtt5) {
        if (max >= BrokerSettings.NO_KEEPALIVE_LIMIT || (requested > 0 && requested <= max)) {
            return requested;
        }
        return mqtt5 ? max : REFUSE;
    }
}
