package io.polyhook.it;

import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A hand-made MQTT connection to the broker over one transport ({@link RawMqtt} on TCP,
 * {@link RawWebSocket} in binary WebSocket frames): sends raw bytes and reads whole packets, so
 * that the same hostile input can be tried on every listener.
 */
interface RawConnection extends AutoCloseable {

    /** {@code bytes} as they are: one write on TCP, one binary frame on WebSocket. */
    void send(byte[] bytes) throws IOException;

    /** The next packet from the broker, or null once it closed the connection. */
    RawMqtt.Packet read() throws IOException;

    @Override
    void close() throws IOException;

    /** CONNECT with {@code level} 4 (3.1.1) or 5, clean start, keep-alive 60 s, then the CONNACK (or null if closed). */
    default RawMqtt.Packet connect(String clientId, int level) throws IOException {
        send(RawMqtt.connectPacket(clientId.getBytes(StandardCharsets.UTF_8), level));
        return read();
    }

    /** Reads until the broker closes; fails if it keeps the connection open. Returns the packets seen. */
    default List<RawMqtt.Packet> readUntilClosed() throws IOException {
        List<RawMqtt.Packet> seen = new ArrayList<>();
        try {
            RawMqtt.Packet p;
            while ((p = read()) != null) {
                seen.add(p);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the broker did not close the connection; packets seen: " + seen.size());
        } catch (SocketException e) {
            // A reset is a close too.
        }
        return seen;
    }
}
