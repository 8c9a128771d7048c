package io.polyhook.it;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A hand-made MQTT client on a plain socket, for what real clients refuse to send: malformed
 * packets, wrong order, invalid strings. Builds packets byte by byte and reads whole packets.
 */
final class RawMqtt implements RawConnection {

    /** One packet read: the first byte (type and flags) and the body after the remaining length. */
    record Packet(int header, byte[] body) {
        int type() {
            return header >> 4;
        }

        /** The MQTT 5 reason code of a CONNACK (second byte) or DISCONNECT (first byte). */
        int reasonCode() {
            if (type() == 2) {
                return body[1] & 0xFF;
            }
            return body.length == 0 ? 0 : body[0] & 0xFF;
        }
    }

    final Socket socket;
    private final DataInputStream in;

    private RawMqtt(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(15_000);
        this.in = new DataInputStream(socket.getInputStream());
    }

    static RawMqtt open(int port) throws IOException {
        return open("127.0.0.1", port);
    }

    /** Opens a socket from local address {@code from} (any of 127/8 on Linux). */
    static RawMqtt open(String from, int port) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(from, 0));
        s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        return new RawMqtt(s);
    }

    @Override
    public void send(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
    }

    /** The next packet, or null at end of stream (the broker closed the connection). */
    @Override
    public Packet read() throws IOException {
        return read(in);
    }

    /** The next packet on {@code in}, or null at end of stream; shared with {@link RawWebSocket}. */
    static Packet read(DataInputStream in) throws IOException {
        int header = in.read();
        if (header < 0) {
            return null;
        }
        int length = 0;
        for (int shift = 0; ; shift += 7) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            length |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
        }
        byte[] body = new byte[length];
        try {
            in.readFully(body);
        } catch (EOFException e) {
            return null;
        }
        return new Packet(header, body);
    }

    static byte[] connectPacket(byte[] clientId, int level) {
        ByteArrayOutputStream vh = new ByteArrayOutputStream();
        vh.writeBytes(new byte[] {0, 4, 'M', 'Q', 'T', 'T', (byte) level, 0x02, 0, 60});
        if (level == 5) {
            vh.write(0);
        }
        vh.write(clientId.length >> 8);
        vh.write(clientId.length & 0xFF);
        vh.writeBytes(clientId);
        return packet(0x10, vh.toByteArray());
    }

    /** A QoS 0 PUBLISH with raw topic bytes; {@code v5} adds an empty property list. */
    static byte[] publishPacket(byte[] topic, byte[] payload, boolean v5) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(topic.length >> 8);
        b.write(topic.length & 0xFF);
        b.writeBytes(topic);
        if (v5) {
            b.write(0);
        }
        b.writeBytes(payload);
        return packet(0x30, b.toByteArray());
    }

    /** A PUBLISH with QoS {@code qos}, packet id {@code id} (ignored for QoS 0) and raw MQTT 5 property bytes. */
    static byte[] publishPacket(String topic, int qos, int id, byte[] properties, byte[] payload) {
        byte[] t = topic.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(t.length >> 8);
        b.write(t.length & 0xFF);
        b.writeBytes(t);
        if (qos > 0) {
            b.write(id >> 8);
            b.write(id & 0xFF);
        }
        b.write(properties.length);
        b.writeBytes(properties);
        b.writeBytes(payload);
        return packet(0x30 | (qos << 1), b.toByteArray());
    }

    /** CONNECT (3.1.1) with clean session off, then reads the CONNACK. */
    Packet connectPersistent311(String clientId) throws IOException {
        byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream vh = new ByteArrayOutputStream();
        vh.writeBytes(new byte[] {0, 4, 'M', 'Q', 'T', 'T', 4, 0x00, 0, 60});
        vh.write(id.length >> 8);
        vh.write(id.length & 0xFF);
        vh.writeBytes(id);
        send(packet(0x10, vh.toByteArray()));
        return read();
    }

    /** A SUBSCRIBE (packet id 1) to {@code filter} at {@code qos} (MQTT 3.1.1). */
    static byte[] subscribePacket311(String filter, int qos) {
        byte[] f = filter.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {0, 1});
        b.write(f.length >> 8);
        b.write(f.length & 0xFF);
        b.writeBytes(f);
        b.write(qos);
        return packet(0x82, b.toByteArray());
    }

    /** The packet id of a PUBLISH with QoS &gt; 0 (MQTT 3.1.1 layout), read from its body. */
    static int publishPacketId(Packet p) {
        int topicLength = ((p.body()[0] & 0xFF) << 8) | (p.body()[1] & 0xFF);
        return ((p.body()[2 + topicLength] & 0xFF) << 8) | (p.body()[3 + topicLength] & 0xFF);
    }

    /** A SUBSCRIBE (packet id 1) to {@code filter} at QoS 0. */
    static byte[] subscribePacket(String filter, boolean v5) {
        byte[] f = filter.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {0, 1});
        if (v5) {
            b.write(0);
        }
        b.write(f.length >> 8);
        b.write(f.length & 0xFF);
        b.writeBytes(f);
        b.write(0);
        return packet(0x82, b.toByteArray());
    }

    static byte[] packet(int header, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(header);
        int n = body.length;
        do {
            int digit = n % 128;
            n /= 128;
            out.write(n > 0 ? digit | 0x80 : digit);
        } while (n > 0);
        out.writeBytes(body);
        return out.toByteArray();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
