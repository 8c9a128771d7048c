package io.polyhook.broker.codec;

/**
 * A packet that breaks the protocol, found by {@link MqttFrameValidator}: it travels as the cause
 * of a failed decoder result, and says what the broker answers with before it closes.
 *
 * <p>No stack trace: a violation is the client's fault, found at a known place, and a hostile
 * client could otherwise make the broker fill stack traces at will.
 */
public final class MqttViolation extends RuntimeException {

    /** MQTT 5 reason code 0x81: the packet cannot be parsed as the specification says. */
    public static final int MALFORMED_PACKET = 0x81;
    /** MQTT 5 reason code 0x82: the packet parses, but holds what the protocol forbids. */
    public static final int PROTOCOL_ERROR = 0x82;

    private final int reasonCode;
    private final boolean inConnect;
    private final boolean mqtt5;

    /**
     * @param reasonCode {@link #MALFORMED_PACKET} or {@link #PROTOCOL_ERROR}
     * @param inConnect  whether the faulty packet is a CONNECT (answered with a CONNACK, not a DISCONNECT)
     * @param mqtt5      whether the client speaks MQTT 5 (only MQTT 5 has reason codes to send)
     * @param message    what is wrong, for the debug log; never holds client data beyond a number
     */
    public MqttViolation(int reasonCode, boolean inConnect, boolean mqtt5, String message) {
        super(message, null, false, false);
        this.reasonCode = reasonCode;
        this.inConnect = inConnect;
        this.mqtt5 = mqtt5;
    }

    /** The MQTT 5 reason code for the DISCONNECT or CONNACK that answers the packet. */
    public int reasonCode() {
        return reasonCode;
    }

    /** Whether the faulty packet is a CONNECT. */
    public boolean inConnect() {
        return inConnect;
    }

    /** Whether the client speaks MQTT 5. */
    public boolean mqtt5() {
        return mqtt5;
    }
}
