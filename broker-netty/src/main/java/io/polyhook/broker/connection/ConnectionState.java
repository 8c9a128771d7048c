package io.polyhook.broker.connection;

/**
 * Where one connection stands. The transitions:
 *
 * <pre>
 * AWAITING_CONNECT → CONNECTING ⇄ AUTHENTICATING → CONNECTED ⇄ REAUTHENTICATING
 *        any state → CLOSING (refused, disconnected: nothing more is handled) → CLOSED
 * </pre>
 *
 * {@link #CLOSED} means the connection gave its session back (or never had one); its socket may
 * still be draining in the {@link Disconnector}.
 */
enum ConnectionState {
    /** Nothing received yet: the first packet must be a CONNECT. */
    AWAITING_CONNECT,
    /** CONNECT received; its hooks (register, will authorization) are running. */
    CONNECTING,
    /** CONNECT received; an MQTT 5 enhanced authentication exchange (AUTH) is open. */
    AUTHENTICATING,
    /** Admitted: CONNACK sent, attached to its session. */
    CONNECTED,
    /** Admitted, with a re-authentication exchange (AUTH) open; packets flow as when connected. */
    REAUTHENTICATING,
    /** Refused or disconnected: nothing more is handled; still attached to its session, if it had one. */
    CLOSING,
    /** Its session given back (or it never had one). */
    CLOSED;

    /** Whether the client was admitted and the connection is not closing. */
    boolean isConnected() {
        return this == CONNECTED || this == REAUTHENTICATING;
    }

    /** Whether packets are still handled. */
    boolean isOpen() {
        return this != CLOSING && this != CLOSED;
    }

    /** Whether an enhanced authentication exchange is open. */
    boolean isAuthenticating() {
        return this == AUTHENTICATING || this == REAUTHENTICATING;
    }
}
