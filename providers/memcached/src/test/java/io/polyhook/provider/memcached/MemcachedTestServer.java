package io.polyhook.provider.memcached;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A memcached server for tests on 127.0.0.1 and a free port, which a test may stop and start
 * again on the same port (empty again). It is Debian's memcached when there is one
 * ({@code MEMCACHED_BIN}, else {@code /usr/bin/memcached}), else an in-process server that
 * speaks the part of the text protocol the provider uses (get, set, add, replace, delete,
 * flush_all, with expiration times).
 */
public abstract sealed class MemcachedTestServer implements AutoCloseable {

    private final int port;

    MemcachedTestServer(int port) {
        this.port = port;
    }

    /** Starts the real server if there is one, else the in-process one. */
    public static MemcachedTestServer start() {
        int port = freePort();
        Path binary = binary();
        MemcachedTestServer server = binary != null ? new Real(port, binary) : new InProcess(port);
        server.restart();
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "stop-memcached-" + port));
        return server;
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return port;
    }

    /** What this is, for test output: "memcached 1.6 (/usr/bin/memcached)" or "in-process". */
    public abstract String kind();

    /** Starts the stopped server again on the same port. */
    public abstract void restart();

    public abstract void stop();

    @Override
    public void close() {
        stop();
    }

    private static Path binary() {
        String configured = System.getenv("MEMCACHED_BIN");
        Path path = Path.of(configured != null && !configured.isBlank() ? configured : "/usr/bin/memcached");
        return Files.isExecutable(path) ? path : null;
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Debian's memcached as a child process. */
    static final class Real extends MemcachedTestServer {
        private final Path binary;
        private Process process;

        Real(int port, Path binary) {
            super(port);
            this.binary = binary;
        }

        @Override
        public String kind() {
            return "memcached (" + binary + ")";
        }

        @Override
        public synchronized void restart() {
            if (process != null) {
                return;
            }
            List<String> command = new java.util.ArrayList<>(List.of(binary.toString(), "-l", host(), "-p",
                    Integer.toString(port()), "-U", "0", "-m", "16"));
            if ("root".equals(System.getProperty("user.name"))) {
                command.addAll(List.of("-u", "root"));
            }
            try {
                process = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (true) {
                try (Socket probe = new Socket()) {
                    probe.connect(new InetSocketAddress(host(), port()), 200);
                    return;
                } catch (IOException notYet) {
                    if (!process.isAlive() || System.nanoTime() > deadline) {
                        throw new IllegalStateException("memcached did not start on port " + port());
                    }
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                }
            }
        }

        @Override
        public synchronized void stop() {
            if (process != null) {
                process.destroy();
                try {
                    process.waitFor();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                process = null;
            }
        }
    }

    /** A small server speaking memcached's text protocol, a thread per connection. */
    static final class InProcess extends MemcachedTestServer {
        private record Item(byte[] value, int flags, long expiresAtMillis) {
            boolean alive() {
                return expiresAtMillis == 0 || System.currentTimeMillis() < expiresAtMillis;
            }
        }

        private final Map<String, Item> items = new ConcurrentHashMap<>();
        private final List<Socket> clients = new CopyOnWriteArrayList<>();
        private ServerSocket listener;
        private Thread accepter;

        InProcess(int port) {
            super(port);
        }

        @Override
        public String kind() {
            return "in-process text-protocol server";
        }

        @Override
        public synchronized void restart() {
            if (listener != null) {
                return;
            }
            // The old listener's socket is released a moment after close() returns (its
            // accepting thread has to wake up first), so binding again may take a few tries.
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (listener == null) {
                try {
                    ServerSocket socket = new ServerSocket();
                    socket.setReuseAddress(true);
                    try {
                        socket.bind(new InetSocketAddress(InetAddress.getByName(host()), port()));
                    } catch (IOException e) {
                        socket.close();
                        throw e;
                    }
                    listener = socket;
                } catch (IOException e) {
                    if (System.nanoTime() > deadline) {
                        throw new UncheckedIOException(e);
                    }
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        throw new UncheckedIOException(e);
                    }
                }
            }
            items.clear();
            ServerSocket accepting = listener;
            accepter = Thread.ofVirtual().name("memcached-accept-" + port()).start(() -> {
                while (!accepting.isClosed()) {
                    try {
                        Socket client = accepting.accept();
                        synchronized (InProcess.this) {
                            // Accepted just as stop() ran: it did not see this client, so it goes here.
                            if (listener != accepting) {
                                client.close();
                                return;
                            }
                            clients.add(client);
                        }
                        Thread.ofVirtual().start(() -> serve(client));
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
        }

        @Override
        public void stop() {
            Thread stopping;
            synchronized (this) {
                if (listener == null) {
                    return;
                }
                try {
                    listener.close();
                } catch (IOException ignored) {
                    // already closed
                }
                listener = null;
                for (Socket client : clients) {
                    try {
                        client.close();
                    } catch (IOException ignored) {
                        // already closed
                    }
                }
                clients.clear();
                stopping = accepter;
            }
            // The listening socket is closed only once the accepting thread has left accept():
            // until then the kernel still completes connections to the port (then drops them).
            try {
                stopping.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void serve(Socket client) {
            try (client; InputStream in = new BufferedInputStream(client.getInputStream());
                 OutputStream out = client.getOutputStream()) {
                String line;
                while ((line = readLine(in)) != null) {
                    out.write(answer(line, in).getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                }
            } catch (IOException gone) {
                // the client or the server closed the connection
            } finally {
                clients.remove(client);
            }
        }

        private String answer(String line, InputStream in) throws IOException {
            String[] w = line.split(" ");
            switch (w[0]) {
                case "get" -> {
                    StringBuilder reply = new StringBuilder();
                    for (int i = 1; i < w.length; i++) {
                        Item item = items.get(w[i]);
                        if (item != null && item.alive()) {
                            reply.append("VALUE ").append(w[i]).append(' ').append(item.flags()).append(' ')
                                    .append(item.value().length).append("\r\n")
                                    .append(new String(item.value(), StandardCharsets.ISO_8859_1)).append("\r\n");
                        }
                    }
                    return reply.append("END\r\n").toString();
                }
                case "set", "add", "replace" -> {
                    if (w.length < 5) {
                        return "ERROR\r\n";
                    }
                    byte[] value = in.readNBytes(Integer.parseInt(w[4]));
                    in.readNBytes(2);
                    long exptime = Long.parseLong(w[3]);
                    Item item = new Item(value, Integer.parseInt(w[2]),
                            exptime == 0 ? 0 : System.currentTimeMillis() + exptime * 1000);
                    Item existing = items.get(w[1]);
                    boolean exists = existing != null && existing.alive();
                    if (w[0].equals("add") && exists || w[0].equals("replace") && !exists) {
                        return "NOT_STORED\r\n";
                    }
                    items.put(w[1], item);
                    return "STORED\r\n";
                }
                case "delete" -> {
                    Item removed = items.remove(w[1]);
                    return removed != null && removed.alive() ? "DELETED\r\n" : "NOT_FOUND\r\n";
                }
                case "flush_all" -> {
                    items.clear();
                    return "OK\r\n";
                }
                default -> {
                    return "ERROR\r\n";
                }
            }
        }

        private static String readLine(InputStream in) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) != -1) {
                if (b == '\n') {
                    String s = line.toString(StandardCharsets.ISO_8859_1);
                    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
                }
                line.write(b);
            }
            return null;
        }
    }
}
