package io.polyhook.broker.codec;

/**
 * Checks one MQTT 5 property block (§2.2.2) of a packet a client sent: every identifier known
 * and valid for the packet, no property twice (except User Property), every value of its type
 * and in its range. Remembers what the packet's own rules need afterwards (which properties were
 * there, the Session Expiry Interval). Reused for every packet of a connection.
 *
 * <p>Reason codes: an identifier that is unknown or not valid for the packet makes the packet
 * malformed (0x81, MQTT-2.2.2-2); a property twice, a value out of range, a Subscription
 * Identifier from a client in a PUBLISH, Authentication Data without a method are protocol
 * errors (0x82), as the specification names each of them.
 */
final class PropertyCheck {

    /** The packets (and the will) whose properties a client sends, as bits. */
    static final int CONNECT = 1;
    static final int WILL = 1 << 1;
    static final int PUBLISH = 1 << 2;
    static final int PUB_REPLY = 1 << 3;
    static final int SUBSCRIBE = 1 << 4;
    static final int UNSUBSCRIBE = 1 << 5;
    static final int DISCONNECT = 1 << 6;
    static final int AUTH = 1 << 7;

    static final int PAYLOAD_FORMAT_INDICATOR = 0x01;
    static final int RESPONSE_TOPIC = 0x08;
    static final int SUBSCRIPTION_IDENTIFIER = 0x0B;
    static final int SESSION_EXPIRY_INTERVAL = 0x11;
    static final int AUTHENTICATION_METHOD = 0x15;
    static final int AUTHENTICATION_DATA = 0x16;
    static final int REQUEST_PROBLEM_INFORMATION = 0x17;
    static final int REQUEST_RESPONSE_INFORMATION = 0x19;
    static final int RECEIVE_MAXIMUM = 0x21;
    static final int TOPIC_ALIAS = 0x23;
    static final int USER_PROPERTY = 0x26;
    static final int MAXIMUM_PACKET_SIZE = 0x27;

    private enum Type { BYTE, TWO_BYTES, FOUR_BYTES, VAR_INT, STRING, BINARY, STRING_PAIR }

    private static final Type[] TYPES = new Type[0x2B];
    // Where a client may send each property (0: nowhere, e.g. the server-only ones).
    private static final int[] ALLOWED = new int[0x2B];

    static {
        define(0x01, Type.BYTE, PUBLISH | WILL);                   // Payload Format Indicator
        define(0x02, Type.FOUR_BYTES, PUBLISH | WILL);             // Message Expiry Interval
        define(0x03, Type.STRING, PUBLISH | WILL);                 // Content Type
        define(0x08, Type.STRING, PUBLISH | WILL);                 // Response Topic
        define(0x09, Type.BINARY, PUBLISH | WILL);                 // Correlation Data
        define(0x0B, Type.VAR_INT, SUBSCRIBE | PUBLISH);           // Subscription Identifier
        define(0x11, Type.FOUR_BYTES, CONNECT | DISCONNECT);       // Session Expiry Interval
        define(0x12, Type.STRING, 0);                              // Assigned Client Identifier
        define(0x13, Type.TWO_BYTES, 0);                           // Server Keep Alive
        define(0x15, Type.STRING, CONNECT | AUTH);                 // Authentication Method
        define(0x16, Type.BINARY, CONNECT | AUTH);                 // Authentication Data
        define(0x17, Type.BYTE, CONNECT);                          // Request Problem Information
        define(0x18, Type.FOUR_BYTES, WILL);                       // Will Delay Interval
        define(0x19, Type.BYTE, CONNECT);                          // Request Response Information
        define(0x1A, Type.STRING, 0);                              // Response Information
        define(0x1C, Type.STRING, DISCONNECT);                     // Server Reference
        define(0x1F, Type.STRING, PUB_REPLY | DISCONNECT | AUTH);  // Reason String
        define(0x21, Type.TWO_BYTES, CONNECT);                     // Receive Maximum
        define(0x22, Type.TWO_BYTES, CONNECT);                     // Topic Alias Maximum
        define(0x23, Type.TWO_BYTES, PUBLISH);                     // Topic Alias
        define(0x24, Type.BYTE, 0);                                // Maximum QoS
        define(0x25, Type.BYTE, 0);                                // Retain Available
        define(0x26, Type.STRING_PAIR, CONNECT | WILL | PUBLISH | PUB_REPLY | SUBSCRIBE | UNSUBSCRIBE
                | DISCONNECT | AUTH);                              // User Property
        define(0x27, Type.FOUR_BYTES, CONNECT);                    // Maximum Packet Size
        define(0x28, Type.BYTE, 0);                                // Wildcard Subscription Available
        define(0x29, Type.BYTE, 0);                                // Subscription Identifier Available
        define(0x2A, Type.BYTE, 0);                                // Shared Subscription Available
    }

    private static void define(int id, Type type, int allowedIn) {
        TYPES[id] = type;
        ALLOWED[id] = allowedIn;
    }

    private long seen;
    private long sessionExpiry;

    /** Reads and checks the property block at the cursor, for {@code packet} (one of the bits above). */
    void check(PacketCursor c, int packet) {
        seen = 0;
        sessionExpiry = -1;
        int length = c.varInt("property length");
        if (length > c.remaining()) {
            throw c.malformed("property length past the end of the packet");
        }
        int end = c.position() + length;
        int outer = c.narrow(end);
        while (!c.atEnd()) {
            int id = c.u8("property identifier");
            Type type = id < TYPES.length ? TYPES[id] : null;
            if (type == null) {
                throw c.malformed("unknown property 0x" + Integer.toHexString(id));
            }
            if ((ALLOWED[id] & packet) == 0) {
                throw c.malformed("property 0x" + Integer.toHexString(id) + " not valid in this packet");
            }
            if (id != USER_PROPERTY) {
                long bit = 1L << id;
                if ((seen & bit) != 0) {
                    throw c.protocolError("property 0x" + Integer.toHexString(id) + " more than once");
                }
                seen |= bit;
            }
            value(c, id, type, packet);
        }
        c.narrow(outer);
    }

    private void value(PacketCursor c, int id, Type type, int packet) {
        switch (type) {
            case BYTE -> {
                int v = c.u8("property value");
                if (v > 1) {
                    // Payload Format Indicator, Request Problem/Response Information: 0 or 1.
                    throw c.protocolError("property 0x" + Integer.toHexString(id) + " has value " + v);
                }
            }
            case TWO_BYTES -> {
                int v = c.u16("property value");
                if (v == 0 && id == RECEIVE_MAXIMUM) {
                    throw c.protocolError("Receive Maximum 0");
                }
            }
            case FOUR_BYTES -> {
                long v = c.u32("property value");
                if (v == 0 && id == MAXIMUM_PACKET_SIZE) {
                    throw c.protocolError("Maximum Packet Size 0");
                }
                if (id == SESSION_EXPIRY_INTERVAL) {
                    sessionExpiry = v;
                }
            }
            case VAR_INT -> {
                int v = c.varInt("subscription identifier");
                if (packet == PUBLISH) {
                    throw c.protocolError("Subscription Identifier in a PUBLISH from a client");
                }
                if (v == 0) {
                    throw c.protocolError("Subscription Identifier 0");
                }
            }
            case STRING -> {
                if (id == RESPONSE_TOPIC) {
                    c.topicName("response topic", MqttViolation.PROTOCOL_ERROR);
                } else {
                    c.string("property string");
                }
            }
            case BINARY -> c.binary("property data");
            case STRING_PAIR -> {
                c.string("user property name");
                c.string("user property value");
            }
        }
    }

    /** Whether the block just checked holds property {@code id}. */
    boolean has(int id) {
        return (seen & (1L << id)) != 0;
    }

    /** The Session Expiry Interval of the block just checked, -1 if it had none. */
    long sessionExpiry() {
        return sessionExpiry;
    }
}
