package io.polyhook.provider.memcached;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One connection speaking memcached's text protocol. Not thread-safe: the pool lends it to
 * one caller at a time. After any I/O or protocol failure it must be closed, since the reply
 * stream may be out of step with the requests.
 */
final class MemcachedConnection implements AutoCloseable {

    /** The flags vmq_diversity stores with every item. */
    static final int FLAGS = 0xABBA;
    private static final int MAX_LINE = 2048;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private boolean replyStarted;

    MemcachedConnection(PoolSettings settings) throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.setSoTimeout((int) settings.commandTimeout().toMillis());
            s.connect(new InetSocketAddress(settings.host(), settings.port()), (int) settings.connectTimeout().toMillis());
            this.in = new BufferedInputStream(s.getInputStream());
            this.out = new BufferedOutputStream(s.getOutputStream());
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        this.socket = s;
    }

    /** Whether the last command got any byte of reply; a command that did not may be resent. */
    boolean replyStarted() {
        return replyStarted;
    }

    /** {@code get}: the value, or {@code null} if there is no such item. */
    byte[] get(byte[] key) throws IOException {
        send(line("get", key));
        String header = readLine();
        if (header.equals("END")) {
            return null;
        }
        String[] parts = header.split(" ");
        if (parts.length < 4 || !parts[0].equals("VALUE")) {
            throw unexpected(header);
        }
        int length;
        try {
            length = Integer.parseInt(parts[3]);
        } catch (NumberFormatException e) {
            throw unexpected(header);
        }
        byte[] value = in.readNBytes(length);
        if (value.length != length || in.read() != '\r' || in.read() != '\n') {
            throw new EOFException("value cut short");
        }
        String end = readLine();
        if (!end.equals("END")) {
            throw unexpected(end);
        }
        return value;
    }

    /** {@code set}, {@code add} or {@code replace}: whether the item was stored. */
    boolean store(String command, byte[] key, byte[] value, long exptime) throws IOException {
        ByteArrayOutputStream request = new ByteArrayOutputStream(key.length + value.length + 64);
        request.writeBytes(line(command, key, (" " + FLAGS + " " + exptime + " " + value.length).getBytes(StandardCharsets.US_ASCII)));
        request.writeBytes(value);
        request.writeBytes(CRLF);
        send(request.toByteArray());
        String reply = readLine();
        return switch (reply) {
            case "STORED" -> true;
            case "NOT_STORED" -> false;
            default -> throw unexpected(reply);
        };
    }

    /** {@code delete}: whether there was such an item. */
    boolean delete(byte[] key) throws IOException {
        send(line("delete", key));
        String reply = readLine();
        return switch (reply) {
            case "DELETED" -> true;
            case "NOT_FOUND" -> false;
            default -> throw unexpected(reply);
        };
    }

    void flushAll() throws IOException {
        send("flush_all\r\n".getBytes(StandardCharsets.US_ASCII));
        String reply = readLine();
        if (!reply.equals("OK")) {
            throw unexpected(reply);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closing a broken socket; nothing else to do.
        }
    }

    private static final byte[] CRLF = {'\r', '\n'};

    private static byte[] line(String command, byte[] key) {
        return line(command, key, new byte[0]);
    }

    private static byte[] line(String command, byte[] key, byte[] rest) {
        ByteArrayOutputStream line = new ByteArrayOutputStream(command.length() + key.length + rest.length + 3);
        line.writeBytes(command.getBytes(StandardCharsets.US_ASCII));
        line.write(' ');
        line.writeBytes(key);
        line.writeBytes(rest);
        line.writeBytes(CRLF);
        return line.toByteArray();
    }

    private void send(byte[] request) throws IOException {
        replyStarted = false;
        out.write(request);
        out.flush();
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        while (true) {
            int b = in.read();
            if (b == -1) {
                throw new EOFException("connection closed by the server");
            }
            replyStarted = true;
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, StandardCharsets.US_ASCII);
            }
            if (line.size() >= MAX_LINE) {
                throw new ProtocolException("reply line too long");
            }
            line.write(b);
        }
    }

    // ERROR, CLIENT_ERROR and SERVER_ERROR carry the server's reason, which names no secret.
    private static ProtocolException unexpected(String reply) {
        if (reply.startsWith("SERVER_ERROR") || reply.startsWith("CLIENT_ERROR") || reply.equals("ERROR")) {
            return new ProtocolException("server answered " + reply);
        }
        return new ProtocolException("unexpected reply");
    }

    /** The server answered something else than the protocol allows here, or an error. */
    static final class ProtocolException extends IOException {
        private static final long serialVersionUID = 1L;

        ProtocolException(String message) {
            super(message);
        }
    }
}
