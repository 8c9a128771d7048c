package io.polyhook.it;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;

/**
 * A hand-made WebSocket client (RFC 6455) on a plain socket, for what real clients refuse to
 * send: text frames, fragmented and oversize frames, broken handshakes. Sends frames byte by
 * byte (masked, as a client must) and reads the broker's binary frames as an MQTT byte stream.
 */
final class RawWebSocket implements RawConnection {

    static final int CONTINUATION = 0x0;
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;

    /** The status line's code and the raw head of the broker's answer to an HTTP request. */
    record HttpAnswer(int status, String head) {
    }

    final Socket socket;
    private final InputStream raw;
    private final OutputStream out;
    private final Random masks = new Random(1);
    /** The payloads of the broker's binary frames, as one stream; ends at a close frame or end of stream. */
    private final DataInputStream mqtt;
    private byte[] frame = new byte[0];
    private int framePos;
    private boolean ended;
    private int closeStatus = -1;

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(15_000);
        this.raw = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.mqtt = new DataInputStream(new InputStream() {
            @Override
            public int read() throws IOException {
                while (framePos >= frame.length) {
                    if (ended || !nextDataFrame()) {
                        return -1;
                    }
                }
                return frame[framePos++] & 0xFF;
            }
        });
    }

    /** A plain socket to the broker, nothing sent yet. */
    static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        s.setSoTimeout(15_000);
        return s;
    }

    /** Upgrades to WebSocket on {@code path} offering {@code subprotocol}; fails unless the broker answers 101. */
    static RawWebSocket open(int port, String path, String subprotocol) throws IOException {
        Socket s = connect(port);
        HttpAnswer answer = request(s, upgradeRequest(path, subprotocol));
        if (answer.status() != 101) {
            s.close();
            throw new AssertionError("no WebSocket upgrade: " + answer.head());
        }
        return new RawWebSocket(s);
    }

    /** The MQTT endpoint with subprotocol "mqtt". */
    static RawWebSocket open(int port) throws IOException {
        return open(port, "/mqtt", "mqtt");
    }

    static String upgradeRequest(String path, String subprotocol) {
        byte[] key = new byte[16];
        new Random().nextBytes(key);
        return "GET " + path + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + (subprotocol == null ? "" : "Sec-WebSocket-Protocol: " + subprotocol + "\r\n")
                + "\r\n";
    }

    /** Sends {@code request} and reads the head of the answer (up to the blank line), or status -1 if none came. */
    static HttpAnswer request(Socket s, String request) throws IOException {
        s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        InputStream in = s.getInputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        if (!text.startsWith("HTTP/1.1 ")) {
            return new HttpAnswer(-1, text);
        }
        return new HttpAnswer(Integer.parseInt(text.substring(9, 12)), text);
    }

    /** Whether the broker closes {@code s} (end of stream or reset) before the socket's read timeout. */
    static boolean closedByBroker(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        try {
            while (in.read() >= 0) {
                // Whatever the body of an error answer holds.
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true;
        }
    }

    /** One frame; {@code fin} false leaves the message open for continuation frames. */
    void sendFrame(int opcode, boolean fin, byte[] payload) throws IOException {
        out.write(frame(opcode, fin, payload.length, payload));
        out.flush();
    }

    /**
     * Only the head of a binary frame announcing {@code length} bytes (none of them sent), so that
     * a broker refusing it at once has read everything sent and its close is not a reset.
     */
    void sendFrameHead(int length) throws IOException {
        out.write(frame(BINARY, true, length, new byte[0]));
        out.flush();
    }

    private byte[] frame(int opcode, boolean fin, int n, byte[] payload) {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write((fin ? 0x80 : 0) | opcode);
        if (n < 126) {
            f.write(0x80 | n);
        } else if (n < 65_536) {
            f.write(0x80 | 126);
            f.write(n >> 8);
            f.write(n & 0xFF);
        } else {
            f.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                f.write((int) ((long) n >> shift) & 0xFF);
            }
        }
        byte[] mask = new byte[4];
        masks.nextBytes(mask);
        f.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            f.write(payload[i] ^ mask[i % 4]);
        }
        return f.toByteArray();
    }

    /** {@code bytes} in one binary frame. */
    @Override
    public void send(byte[] bytes) throws IOException {
        sendFrame(BINARY, true, bytes);
    }

    /** The next MQTT packet from the broker's binary frames, or null once it closed. */
    @Override
    public RawMqtt.Packet read() throws IOException {
        return RawMqtt.read(mqtt);
    }

    /** The status of the broker's close frame, or -1 if it closed without one. */
    int closeStatus() {
        return closeStatus;
    }

    /** Reads frames until a binary or continuation one (true), or a close frame or end of stream (false). */
    private boolean nextDataFrame() throws IOException {
        while (true) {
            int b0 = raw.read();
            int b1 = b0 < 0 ? -1 : raw.read();
            if (b1 < 0) {
                ended = true;
                return false;
            }
            long n = b1 & 0x7F;
            if (n == 126) {
                n = ((long) readByte() << 8) | readByte();
            } else if (n == 127) {
                n = 0;
                for (int i = 0; i < 8; i++) {
                    n = (n << 8) | readByte();
                }
            }
            byte[] payload = new byte[Math.toIntExact(n)];
            new DataInputStream(raw).readFully(payload);
            int opcode = b0 & 0x0F;
            if (opcode == CLOSE) {
                closeStatus = payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
                ended = true;
                return false;
            }
            if (opcode == BINARY || opcode == CONTINUATION) {
                frame = payload;
                framePos = 0;
                return true;
            }
            // Ping, pong, text: not MQTT bytes.
        }
    }

    private int readByte() throws IOException {
        int b = raw.read();
        if (b < 0) {
            throw new EOFException();
        }
        return b;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
