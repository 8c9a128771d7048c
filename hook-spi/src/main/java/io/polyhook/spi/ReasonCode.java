package io.polyhook.spi;

/**
 * MQTT 5 error reason codes a handler may give with a {@link Verdict#deny(ReasonCode, String)}.
 *
 * <p>The broker sends the code in the packet that answers the denied request (CONNACK, PUBACK,
 * PUBREC, SUBACK, DISCONNECT). Where a code is not allowed in that packet by the MQTT 5
 * specification, the broker sends {@link #NOT_AUTHORIZED} instead, or
 * {@link #BAD_USERNAME_OR_PASSWORD} for a refused CONNECT. MQTT 3 clients get the nearest
 * MQTT 3 return code.
 *
 * @since 0.1
 */
public enum ReasonCode {
    /**
     * 0x80: the server does not wish to reveal the reason.
     *
     * @since 0.1
     */
    UNSPECIFIED_ERROR(0x80),
    /**
     * 0x83: valid packet, refused by the implementation.
     *
     * @since 0.1
     */
    IMPLEMENTATION_SPECIFIC_ERROR(0x83),
    /**
     * 0x85: the client identifier is not allowed (CONNACK).
     *
     * @since 0.1
     */
    CLIENT_IDENTIFIER_NOT_VALID(0x85),
    /**
     * 0x86: bad user name or password (CONNACK).
     *
     * @since 0.1
     */
    BAD_USERNAME_OR_PASSWORD(0x86),
    /**
     * 0x87: not authorized.
     *
     * @since 0.1
     */
    NOT_AUTHORIZED(0x87),
    /**
     * 0x88: server unavailable (CONNACK).
     *
     * @since 0.1
     */
    SERVER_UNAVAILABLE(0x88),
    /**
     * 0x89: server busy (CONNACK, DISCONNECT).
     *
     * @since 0.1
     */
    SERVER_BUSY(0x89),
    /**
     * 0x8A: banned (CONNACK).
     *
     * @since 0.1
     */
    BANNED(0x8A),
    /**
     * 0x8C: bad authentication method (CONNACK, DISCONNECT).
     *
     * @since 0.1
     */
    BAD_AUTHENTICATION_METHOD(0x8C),
    /**
     * 0x8F: topic filter invalid (SUBACK, DISCONNECT).
     *
     * @since 0.1
     */
    TOPIC_FILTER_INVALID(0x8F),
    /**
     * 0x90: topic name invalid (CONNACK for a will, PUBACK, PUBREC, DISCONNECT).
     *
     * @since 0.1
     */
    TOPIC_NAME_INVALID(0x90),
    /**
     * 0x95: packet too large.
     *
     * @since 0.1
     */
    PACKET_TOO_LARGE(0x95),
    /**
     * 0x97: quota exceeded.
     *
     * @since 0.1
     */
    QUOTA_EXCEEDED(0x97),
    /**
     * 0x99: payload format invalid.
     *
     * @since 0.1
     */
    PAYLOAD_FORMAT_INVALID(0x99),
    /**
     * 0x9A: retain not supported.
     *
     * @since 0.1
     */
    RETAIN_NOT_SUPPORTED(0x9A),
    /**
     * 0x9B: QoS not supported.
     *
     * @since 0.1
     */
    QOS_NOT_SUPPORTED(0x9B),
    /**
     * 0x9C: use another server (CONNACK, DISCONNECT).
     *
     * @since 0.1
     */
    USE_ANOTHER_SERVER(0x9C),
    /**
     * 0x9D: server moved (CONNACK, DISCONNECT).
     *
     * @since 0.1
     */
    SERVER_MOVED(0x9D),
    /**
     * 0x9E: shared subscriptions not supported (SUBACK, DISCONNECT).
     *
     * @since 0.1
     */
    SHARED_SUBSCRIPTIONS_NOT_SUPPORTED(0x9E),
    /**
     * 0x9F: connection rate exceeded (CONNACK, DISCONNECT).
     *
     * @since 0.1
     */
    CONNECTION_RATE_EXCEEDED(0x9F),
    /**
     * 0xA1: subscription identifiers not supported (SUBACK, DISCONNECT).
     *
     * @since 0.1
     */
    SUBSCRIPTION_IDENTIFIERS_NOT_SUPPORTED(0xA1),
    /**
     * 0xA2: wildcard subscriptions not supported (SUBACK, DISCONNECT).
     *
     * @since 0.1
     */
    WILDCARD_SUBSCRIPTIONS_NOT_SUPPORTED(0xA2);

    private final int code;

    ReasonCode(int code) {
        this.code = code;
    }

    /**
     * The reason code byte.
     *
     * @since 0.1
     */
    public int code() {
        return code;
    }

    /**
     * Returns the constant for a reason code byte; throws naming the value for an unknown one.
     *
     * @since 0.1
     */
    public static ReasonCode of(int code) {
        for (ReasonCode r : values()) {
            if (r.code == code) {
                return r;
            }
        }
        throw new InvalidModifierException("reason_code", code, "must be an MQTT 5 error reason code (0x80 or above)");
    }
}
