package io.polyhook.spi;

/**
 * MQTT 5 error reason codes a handler may give with a {@link Verdict#deny(ReasonCode, String)}.
 *
 * <p>The broker sends the code in the packet that answers the denied request (CONNACK, PUBACK,
 * PUBREC, SUBACK, DISCONNECT). Where a code is not allowed in that packet by the MQTT 5
 * specification, the broker sends {@link #NOT_AUTHORIZED} instead, or
 * {@link #BAD_USERNAME_OR_PASSWORD} for a refused CONNECT. MQTT 3 clients get the nearest
 * MQTT 3 return code.
 */
public enum ReasonCode {
    /** 0x80: the server does not wish to reveal the reason. */
    UNSPECIFIED_ERROR(0x80),
    /** 0x83: valid packet, refused by the implementation. */
    IMPLEMENTATION_SPECIFIC_ERROR(0x83),
    /** 0x85: the client identifier is not allowed (CONNACK). */
    CLIENT_IDENTIFIER_NOT_VALID(0x85),
    /** 0x86: bad user name or password (CONNACK). */
    BAD_USERNAME_OR_PASSWORD(0x86),
    /** 0x87: not authorized. */
    NOT_AUTHORIZED(0x87),
    /** 0x88: server unavailable (CONNACK). */
    SERVER_UNAVAILABLE(0x88),
    /** 0x89: server busy (CONNACK, DISCONNECT). */
    SERVER_BUSY(0x89),
    /** 0x8A: banned (CONNACK). */
    BANNED(0x8A),
    /** 0x8C: bad authentication method (CONNACK, DISCONNECT). */
    BAD_AUTHENTICATION_METHOD(0x8C),
    /** 0x8F: topic filter invalid (SUBACK, DISCONNECT). */
    TOPIC_FILTER_INVALID(0x8F),
    /** 0x90: topic name invalid (CONNACK for a will, PUBACK, PUBREC, DISCONNECT). */
    TOPIC_NAME_INVALID(0x90),
    /** 0x95: packet too large. */
    PACKET_TOO_LARGE(0x95),
    /** 0x97: quota exceeded. */
    QUOTA_EXCEEDED(0x97),
    /** 0x99: payload format invalid. */
    PAYLOAD_FORMAT_INVALID(0x99),
    /** 0x9A: retain not supported. */
    RETAIN_NOT_SUPPORTED(0x9A),
    /** 0x9B: QoS not supported. */
    QOS_NOT_SUPPORTED(0x9B),
    /** 0x9C: use another server (CONNACK, DISCONNECT). */
    USE_ANOTHER_SERVER(0x9C),
    /** 0x9D: server moved (CONNACK, DISCONNECT). */
    SERVER_MOVED(0x9D),
    /** 0x9E: shared subscriptions not supported (SUBACK, DISCONNECT). */
    SHARED_SUBSCRIPTIONS_NOT_SUPPORTED(0x9E),
    /** 0x9F: connection rate exceeded (CONNACK, DISCONNECT). */
    CONNECTION_RATE_EXCEEDED(0x9F),
    /** 0xA1: subscription identifiers not supported (SUBACK, DISCONNECT). */
    SUBSCRIPTION_IDENTIFIERS_NOT_SUPPORTED(0xA1),
    /** 0xA2: wildcard subscriptions not supported (SUBACK, DISCONNECT). */
    WILDCARD_SUBSCRIPTIONS_NOT_SUPPORTED(0xA2);

    private final int code;

    ReasonCode(int code) {
        this.code = code;
    }

    /** The reason code byte. */
    public int code() {
        return code;
    }

    /** Returns the constant for a reason code byte; throws naming the value for an unknown one. */
    public static ReasonCode of(int code) {
        for (ReasonCode r : values()) {
            if (r.code == code) {
                return r;
            }
        }
        throw new InvalidModifierException("reason_code", code, "must be an MQTT 5 error reason code (0x80 or above)");
    }
}
