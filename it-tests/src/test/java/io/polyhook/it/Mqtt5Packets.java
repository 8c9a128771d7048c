package io.polyhook.it;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * MQTT 5 packets as exact bytes for {@link RawMqtt}: the packets and property blocks a test
 * needs, well-formed or broken on purpose, and the reading of the PUBLISHes the broker sends.
 */
final class Mqtt5Packets {

    static final int PAYLOAD_FORMAT_INDICATOR = 0x01;
    static final int MESSAGE_EXPIRY_INTERVAL = 0x02;
    static final int SUBSCRIPTION_IDENTIFIER = 0x0B;
    static final int SERVER_KEEP_ALIVE = 0x13;
    static final int AUTHENTICATION_METHOD = 0x15;
    static final int AUTHENTICATION_DATA = 0x16;
    static final int REQUEST_PROBLEM_INFORMATION = 0x17;
    static final int TOPIC_ALIAS_MAXIMUM = 0x22;
    static final int TOPIC_ALIAS = 0x23;
    static final int MAXIMUM_PACKET_SIZE = 0x27;
    static final int REASON_STRING = 0x1F;

    private Mqtt5Packets() {
    }

    /** A property block: the properties' bytes after their variable-length total. */
    static byte[] props(byte[]... properties) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] p : properties) {
            all.writeBytes(p);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        varInt(out, all.size());
        out.writeBytes(all.toByteArray());
        return out.toByteArray();
    }

    static byte[] byteProp(int id, int value) {
        return new byte[] {(byte) id, (byte) value};
    }

    static byte[] twoByteProp(int id, int value) {
        return new byte[] {(byte) id, (byte) (value >> 8), (byte) value};
    }

    static byte[] fourByteProp(int id, long value) {
        return new byte[] {(byte) id, (byte) (value >> 24), (byte) (value >> 16), (byte) (value >> 8), (byte) value};
    }

    static byte[] varIntProp(int id, int value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(id);
        varInt(out, value);
        return out.toByteArray();
    }

    static byte[] stringProp(int id, String value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(id);
        string(out, value);
        return out.toByteArray();
    }

    /**
     * A CONNECT at level 5 with {@code flags} (clean start 0x02 is added), keep-alive
     * {@code keepAlive}, connect properties {@code props} and, if the will flag is set, a will
     * with no properties on {@code willTopic}.
     */
    static byte[] connect(String clientId, int flags, int keepAlive, byte[] props, String willTopic) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        string(b, "MQTT");
        b.write(5);
        b.write(flags | 0x02);
        b.write(keepAlive >> 8);
        b.write(keepAlive & 0xFF);
        b.writeBytes(props);
        string(b, clientId);
        if ((flags & 0x04) != 0) {
            b.write(0);
            string(b, willTopic);
            string(b, "gone");
        }
        return RawMqtt.packet(0x10, b.toByteArray());
    }

    /** A plain CONNECT at level 5 with {@code props}. */
    static byte[] connect(String clientId, byte[] props) {
        return connect(clientId, 0, 60, props, null);
    }

    /** A PUBLISH; {@code flags} are the low four bits of the first byte (DUP, QoS, RETAIN). */
    static byte[] publish(String topic, int flags, int packetId, byte[] props, String payload) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        string(b, topic);
        if ((flags & 0x06) != 0) {
            b.write(packetId >> 8);
            b.write(packetId & 0xFF);
        }
        b.writeBytes(props);
        b.writeBytes(payload.getBytes(StandardCharsets.UTF_8));
        return RawMqtt.packet(0x30 | flags, b.toByteArray());
    }

    /** A SUBSCRIBE with packet id {@code packetId}: pairs of filter and options byte. */
    static byte[] subscribe(int packetId, byte[] props, Object... filtersAndOptions) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(packetId >> 8);
        b.write(packetId & 0xFF);
        b.writeBytes(props);
        for (int i = 0; i < filtersAndOptions.length; i += 2) {
            string(b, (String) filtersAndOptions[i]);
            b.write((Integer) filtersAndOptions[i + 1]);
        }
        return RawMqtt.packet(0x82, b.toByteArray());
    }

    static byte[] unsubscribe(int packetId, byte[] props, String... filters) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(packetId >> 8);
        b.write(packetId & 0xFF);
        b.writeBytes(props);
        for (String f : filters) {
            string(b, f);
        }
        return RawMqtt.packet(0xA2, b.toByteArray());
    }

    /** A PUBREL for {@code packetId}. */
    static byte[] pubRel(int packetId) {
        return new byte[] {0x62, 2, (byte) (packetId >> 8), (byte) packetId};
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** One property of a packet the broker sent: its identifier and value (a Long, String or byte[]). */
    record Property(int id, Object value) {
    }

    /** A PUBLISH the broker sent to an MQTT 5 client. */
    record Publish(String topic, int qos, int packetId, List<Property> properties, String payload) {
        List<Object> values(int id) {
            return properties.stream().filter(p -> p.id() == id).map(Property::value).toList();
        }
    }

    static Publish readPublish(RawMqtt.Packet p) {
        if (p.type() != 3) {
            throw new AssertionError("not a PUBLISH: type " + p.type());
        }
        byte[] b = p.body();
        int[] at = {0};
        String topic = readString(b, at);
        int qos = (p.header() >> 1) & 3;
        int id = 0;
        if (qos > 0) {
            id = ((b[at[0]] & 0xFF) << 8) | (b[at[0] + 1] & 0xFF);
            at[0] += 2;
        }
        int length = readVarInt(b, at);
        int end = at[0] + length;
        List<Property> props = new ArrayList<>();
        while (at[0] < end) {
            int pid = b[at[0]++] & 0xFF;
            Object value = switch (pid) {
                case PAYLOAD_FORMAT_INDICATOR -> (long) (b[at[0]++] & 0xFF);
                case TOPIC_ALIAS -> {
                    long v = ((b[at[0]] & 0xFF) << 8) | (b[at[0] + 1] & 0xFF);
                    at[0] += 2;
                    yield v;
                }
                case MESSAGE_EXPIRY_INTERVAL -> {
                    long v = 0;
                    for (int i = 0; i < 4; i++) {
                        v = (v << 8) | (b[at[0]++] & 0xFF);
                    }
                    yield v;
                }
                case SUBSCRIPTION_IDENTIFIER -> (long) readVarInt(b, at);
                case 0x03, 0x08 -> readString(b, at);
                case 0x26 -> readString(b, at) + "=" + readString(b, at);
                case 0x09 -> {
                    int n = ((b[at[0]] & 0xFF) << 8) | (b[at[0] + 1] & 0xFF);
                    byte[] data = java.util.Arrays.copyOfRange(b, at[0] + 2, at[0] + 2 + n);
                    at[0] += 2 + n;
                    yield data;
                }
                default -> throw new AssertionError("unexpected PUBLISH property 0x" + Integer.toHexString(pid));
            };
            props.add(new Property(pid, value));
        }
        return new Publish(topic, qos, id, props, new String(b, end, b.length - end, StandardCharsets.UTF_8));
    }

    /** The properties of a CONNACK the broker sent (identifier → raw value bytes' number or string). */
    static List<Property> connAckProperties(RawMqtt.Packet p) {
        return properties(p.body(), 2);
    }

    /**
     * The properties of a CONNACK, PUBACK, PUBREC, SUBACK, UNSUBACK or DISCONNECT the broker
     * sent; none where the packet ends before its property block (MQTT 5 allows that for
     * PUBACK/PUBREC and DISCONNECT).
     */
    static List<Property> ackProperties(RawMqtt.Packet p) {
        int at = switch (p.type()) {
            case 2, 9, 11 -> 2;  // CONNACK (flags, code), SUBACK and UNSUBACK (packet id)
            case 4, 5 -> 3;      // PUBACK, PUBREC: packet id, reason code
            case 14 -> 1;        // DISCONNECT: reason code
            default -> throw new AssertionError("no property block in packet type " + p.type());
        };
        return p.body().length <= at ? List.of() : properties(p.body(), at);
    }

    /** The Reason String (0x1F) of {@link #ackProperties}, or null without one. */
    static String reasonString(RawMqtt.Packet p) {
        return ackProperties(p).stream().filter(x -> x.id() == REASON_STRING).map(x -> (String) x.value())
                .findFirst().orElse(null);
    }

    /** The property block at {@code from} in {@code b} (identifier → number or string). */
    static List<Property> properties(byte[] b, int from) {
        int[] at = {from};
        int length = readVarInt(b, at);
        int end = at[0] + length;
        List<Property> props = new ArrayList<>();
        while (at[0] < end) {
            int pid = b[at[0]++] & 0xFF;
            Object value = switch (pid) {
                case 0x13, 0x21, 0x22, 0x23 -> {
                    long v = ((b[at[0]] & 0xFF) << 8) | (b[at[0] + 1] & 0xFF);
                    at[0] += 2;
                    yield v;
                }
                case 0x02, 0x11, 0x18, 0x27 -> {
                    long v = 0;
                    for (int i = 0; i < 4; i++) {
                        v = (v << 8) | (b[at[0]++] & 0xFF);
                    }
                    yield v;
                }
                case 0x01, 0x17, 0x19, 0x24, 0x25, 0x28, 0x29, 0x2A -> (long) (b[at[0]++] & 0xFF);
                case 0x0B -> (long) readVarInt(b, at);
                case 0x03, 0x08, 0x12, 0x15, 0x1A, 0x1C, 0x1F -> readString(b, at);
                case 0x09, 0x16 -> {
                    int n = ((b[at[0]] & 0xFF) << 8) | (b[at[0] + 1] & 0xFF);
                    at[0] += 2 + n;
                    yield "";
                }
                case 0x26 -> readString(b, at) + "=" + readString(b, at);
                default -> throw new AssertionError("unknown property 0x" + Integer.toHexString(pid));
            };
            props.add(new Property(pid, value));
        }
        return props;
    }

    private static String readString(byte[] b, int[] at) {
        int n = ((b[at[0]] & 0xFF) << 8) | (b[at[0] + 1] & 0xFF);
        String s = new String(b, at[0] + 2, n, StandardCharsets.UTF_8);
        at[0] += 2 + n;
        return s;
    }

    private static int readVarInt(byte[] b, int[] at) {
        int value = 0;
        for (int shift = 0; ; shift += 7) {
            int digit = b[at[0]++] & 0xFF;
            value |= (digit & 0x7F) << shift;
            if ((digit & 0x80) == 0) {
                return value;
            }
        }
    }

    static void varInt(ByteArrayOutputStream out, int n) {
        do {
            int digit = n & 0x7F;
            n >>>= 7;
            out.write(n > 0 ? digit | 0x80 : digit);
        } while (n > 0);
    }

    static void string(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write(b.length >> 8);
        out.write(b.length & 0xFF);
        out.writeBytes(b);
    }
}
