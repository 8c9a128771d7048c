package io.polyhook.broker.sys;

import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.FastThreadLocalThread;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The broker's running counters. Read by the {@code $SYS} publisher (and anything else that
 * wants them).
 *
 * <p>The per-message counters are bumped once per delivery on every event loop, so they must not
 * share a cache line between loops: each event-loop thread counts into cells of its own (a plain
 * store), which a read adds up; other threads count into {@link LongAdder}s. (LongAdders alone
 * cost 12 % of the broker's Java samples in a fan-out: they keep at most one cell per core, and
 * the broker runs two event loops per core.)
 */
@Singleton
public final class BrokerStats {

    private static final int RECEIVED = 0;
    private static final int SENT = 1;
    private static final int DROPPED = 2;
    private static final int BYTES_RECEIVED = 3;
    private static final int BYTES_SENT = 4;
    private static final int COUNTERS = 5;

    private final long startNanos = System.nanoTime();
    private final LongAdder clientsConnected = new LongAdder();
    private final LongAdder connectionsRefused = new LongAdder();
    private final LongAdder slowConsumersDisconnected = new LongAdder();
    private final LongAdder[] others = new LongAdder[COUNTERS];
    private final List<AtomicLongArray> loopCells = new CopyOnWriteArrayList<>();
    private final FastThreadLocal<AtomicLongArray> loopCell = new FastThreadLocal<>() {
        @Override
        protected AtomicLongArray initialValue() {
            AtomicLongArray cells = new AtomicLongArray(COUNTERS);
            loopCells.add(cells);
            return cells;
        }
    };

    public BrokerStats() {
        for (int i = 0; i < COUNTERS; i++) {
            others[i] = new LongAdder();
        }
    }

    /**
     * Makes the calling event loop's counters ready, when the loop takes a connection: created by
     * the first count instead, on a loop that never served a client, they were a first-time
     * branch of {@code FastThreadLocal.get} inside code compiled for the message stream, which
     * deoptimized it ({@code unstable_if} at bci 17; docs/benchmarks.md, "Start-of-run transient").
     */
    public void prepareLoop() {
        if (Thread.currentThread() instanceof FastThreadLocalThread) {
            loopCell.get();
        }
    }

    private void add(int counter, long n) {
        if (Thread.currentThread() instanceof FastThreadLocalThread) {
            // Only this thread writes its cells: a read and an ordered store, no atomic update.
            AtomicLongArray cells = loopCell.get();
            cells.lazySet(counter, cells.get(counter) + n);
        } else {
            others[counter].add(n);
        }
    }

    private long sum(int counter) {
        long n = others[counter].sum();
        for (AtomicLongArray cells : loopCells) {
            n += cells.get(counter);
        }
        return n;
    }

    /** A client was admitted (+1) or an admitted client went away (-1). */
    public void clientConnected(int delta) {
        clientsConnected.add(delta);
    }

    /** A connection was closed at once by a connection limit. */
    public void connectionRefused() {
        connectionsRefused.increment();
    }

    /** A PUBLISH came in from a client. */
    public void messageReceived() {
        add(RECEIVED, 1);
    }

    /** A PUBLISH went out to a client. */
    public void messageSent() {
        add(SENT, 1);
    }

    /** A message was dropped: a full outgoing or offline queue, an expired or oversized message. */
    public void messageDropped() {
        add(DROPPED, 1);
    }

    /** A subscriber that stayed behind was disconnected (broker.slow_consumer_policy, max_drain_time). */
    public void slowConsumerDisconnected() {
        slowConsumersDisconnected.increment();
    }

    /** Bytes read from client sockets. */
    public void bytesReceived(long n) {
        add(BYTES_RECEIVED, n);
    }

    /** Bytes written to client sockets. */
    public void bytesSent(long n) {
        add(BYTES_SENT, n);
    }

    public long clientsConnected() {
        return clientsConnected.sum();
    }

    public long connectionsRefused() {
        return connectionsRefused.sum();
    }

    public long messagesReceived() {
        return sum(RECEIVED);
    }

    public long messagesSent() {
        return sum(SENT);
    }

    public long messagesDropped() {
        return sum(DROPPED);
    }

    public long slowConsumersDisconnected() {
        return slowConsumersDisconnected.sum();
    }

    public long bytesReceived() {
        return sum(BYTES_RECEIVED);
    }

    public long bytesSent() {
        return sum(BYTES_SENT);
    }

    /** Seconds since the broker started. */
    public long uptimeSeconds() {
        return (System.nanoTime() - startNanos) / 1_000_000_000L;
    }
}
