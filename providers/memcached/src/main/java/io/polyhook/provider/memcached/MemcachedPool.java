package io.polyhook.provider.memcached;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One named memcached pool: {@code size} connection slots, each connected when first needed
 * and again after a failure, so a pool whose server is down is created at once, its calls
 * fail within the connect timeout, and it works again as soon as the server is back.
 * Thread-safe.
 */
final class MemcachedPool implements AutoCloseable {

    /** One command on one connection. */
    interface Command<T> {
        T run(MemcachedConnection connection) throws IOException;
    }

    private final PoolSettings settings;
    private final BlockingQueue<Slot> free;
    private volatile boolean closed;

    MemcachedPool(PoolSettings settings) {
        this.settings = settings;
        this.free = new ArrayBlockingQueue<>(settings.size());
        for (int i = 0; i < settings.size(); i++) {
            free.add(new Slot());
        }
    }

    PoolSettings settings() {
        return settings;
    }

    /** Connections open now, idle or in use: never more than {@code size}. */
    int openConnections() {
        return (int) free.stream().filter(slot -> slot.connection != null).count() + inUse();
    }

    private int inUse() {
        return settings.size() - free.size();
    }

    /**
     * Runs {@code command} on a free connection.
     *
     * @throws Unavailable no connection came free in time, or the server could not be reached
     *     or broke the connection; the message is safe to show
     * @throws MemcachedConnection.ProtocolException the server answered with an error
     */
    <T> T run(Command<T> command) throws MemcachedConnection.ProtocolException {
        if (closed) {
            throw new Unavailable("pool is closed", null);
        }
        Slot slot;
        try {
            slot = free.poll(settings.poolTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted", e);
        }
        if (slot == null) {
            throw new Unavailable("all " + settings.size() + " connections busy for "
                    + settings.poolTimeout().toMillis() + " ms", null);
        }
        try {
            return slot.run(command);
        } finally {
            if (closed) {
                slot.close();
            }
            free.add(slot);
        }
    }

    @Override
    public void close() {
        closed = true;
        free.forEach(Slot::close);
    }

    private final class Slot {
        private MemcachedConnection connection;

        <T> T run(Command<T> command) throws MemcachedConnection.ProtocolException {
            boolean reused = connection != null;
            try {
                return attempt(command);
            } catch (MemcachedConnection.ProtocolException e) {
                close();
                throw e;
            } catch (IOException e) {
                boolean unanswered = reused && connection != null && !connection.replyStarted();
                close();
                // A connection that sat idle while the server restarted fails on first use
                // without any reply: the command never ran, so it is sent once more, fresh.
                if (unanswered && !(e instanceof SocketTimeoutException)) {
                    try {
                        return attempt(command);
                    } catch (MemcachedConnection.ProtocolException again) {
                        close();
                        throw again;
                    } catch (IOException again) {
                        close();
                        throw new Unavailable(reason(again), again);
                    }
                }
                throw new Unavailable(reason(e), e);
            }
        }

        private <T> T attempt(Command<T> command) throws IOException {
            if (connection == null) {
                connection = new MemcachedConnection(settings);
            }
            return command.run(connection);
        }

        void close() {
            if (connection != null) {
                connection.close();
                connection = null;
            }
        }
    }

    private String reason(IOException e) {
        String where = settings.host() + ":" + settings.port();
        return switch (e) {
            case ConnectException c -> "cannot connect to " + where + " (connection refused)";
            case SocketTimeoutException t -> "no answer from " + where + " (timed out)";
            case UnknownHostException u -> "cannot connect to " + where + " (unknown host)";
            default -> "connection to " + where + " lost (" + e.getClass().getSimpleName() + ")";
        };
    }

    /** No connection to the server, or it broke mid-call. The message holds no secret. */
    static final class Unavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
