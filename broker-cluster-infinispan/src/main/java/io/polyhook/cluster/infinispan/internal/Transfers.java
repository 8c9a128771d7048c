package io.polyhook.cluster.infinispan.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.polyhook.broker.cluster.Claim;
import io.polyhook.broker.cluster.ClusterException;
import io.polyhook.broker.cluster.IncomingSession;
import io.polyhook.broker.cluster.OutgoingSession;
import io.polyhook.broker.cluster.QueuePage;
import io.polyhook.broker.cluster.SessionState;
import io.polyhook.broker.routing.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Sessions on their way between two nodes. The old owner registers what it gives up under a
 * transfer number ({@link #outgoing}); the new owner asks for its queue a page at a time
 * ({@code OP_PAGE}: at most {@value #PAGE_MESSAGES} messages or {@value #PAGE_BYTES} bytes of
 * payload, so neither side holds a long queue in its heap) and ends with a commit
 * ({@code OP_COMMIT}) once it has written everything; only then does the old owner delete its
 * copy. A takeover's answer carries the first page already ({@link #firstPage}): a session whose
 * queue fits in it moves in two round trips, the takeover and the commit. A transfer the new owner abandons ({@code OP_ABANDON}), or whose new owner stays silent
 * for the idle timeout, is given up: whoever removes
 * it from the table first (the commit, or the watchdog) decides its fate, so it is either
 * committed or given up, never both.
 */
final class Transfers {

    private static final Logger LOG = LoggerFactory.getLogger(Transfers.class);

    static final int PAGE_MESSAGES = 500;
    static final long PAGE_BYTES = 1L << 20;
    private static final int MAX_PAGE_ITEMS = 100_000;

    /**
     * A session this node gives up.
     *
     * @param to       the node that reads it
     * @param claim    for a takeover, the new owner's claim; for a hand-over, this node's own
     * @param takeover whether the new owner claimed it (else this node hands it over, leaving)
     * @param session  what the broker gives up
     */
    record Outgoing(String to, Claim claim, boolean takeover, OutgoingSession session, AtomicLong lastAsked,
                    String[] reason) {
        String why() {
            return reason[0];
        }
    }

    private final NettyDataPlane plane;
    private final ExecutorService workers;
    private final Duration idleTimeout;
    private final Consumer<Outgoing> giveUp;
    private final Map<Long, Outgoing> outgoing = new ConcurrentHashMap<>();
    private final AtomicLong numbers = new AtomicLong(System.nanoTime() & 0x7FFF_FFFF_FFFFL);

    Transfers(NettyDataPlane plane, ExecutorService workers, Duration idleTimeout, Consumer<Outgoing> giveUp) {
        this.plane = plane;
        this.workers = workers;
        this.idleTimeout = idleTimeout;
        this.giveUp = giveUp;
        plane.onRequest(OwnershipRegistry.OP_PAGE, this::pageRequested);
        plane.onRequest(OwnershipRegistry.OP_COMMIT, this::commitRequested);
        plane.onRequest(OwnershipRegistry.OP_ABANDON, this::abandonRequested);
    }

    Duration idleTimeout() {
        return idleTimeout;
    }

    /** Registers {@code session} for {@code to} to read; returns its transfer number. */
    long outgoing(String to, Claim claim, boolean takeover, OutgoingSession session) {
        long number = numbers.incrementAndGet();
        outgoing.put(number, new Outgoing(to, claim, takeover, session, new AtomicLong(System.nanoTime()),
                new String[] {"no answer"}));
        watch(number, idleTimeout.toNanos());
        return number;
    }

    /** Removes transfer {@code number} without telling its session (the caller does); whether it was there. */
    boolean drop(long number) {
        return outgoing.remove(number) != null;
    }

    /**
     * Gives up at once every session moving to {@code node}, which left the view: if it crashed,
     * it would never ask again, and its restart must find this node holding the session again
     * (its own copy is half-written and dropped), not wait for the idle timeout.
     */
    void peerGone(String node) {
        outgoing.forEach((number, t) -> {
            if (t.to().equals(node) && outgoing.remove(number, t)) {
                t.reason()[0] = node + " left the view";
                try {
                    workers.execute(() -> giveUp.accept(t));
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    // This node is stopping: its sessions stay in its store.
                }
            }
        });
    }

    private void watch(long number, long delayNanos) {
        CompletableFuture.delayedExecutor(delayNanos, TimeUnit.NANOSECONDS, workers).execute(() -> {
            Outgoing t = outgoing.get(number);
            if (t == null) {
                return;
            }
            long idle = System.nanoTime() - t.lastAsked().get();
            if (idle < idleTimeout.toNanos()) {
                // Asked since: the timeout runs from the last ask. (A whole timeout from this check made
                // a move whose first page went out just after it was registered wait twice as long.)
                watch(number, idleTimeout.toNanos() - idle);
            } else if (outgoing.remove(number, t)) {
                t.reason()[0] = t.to() + " did not ask for " + idleTimeout.toMillis() + " ms";
                giveUp.accept(t);
            }
        });
    }

    private Outgoing asked(String from, ByteBuf body) {
        long number = body.readLong();
        Outgoing t = outgoing.get(number);
        if (t == null || !t.to().equals(from)) {
            throw new ClusterException(ClusterException.Reason.REFUSED, "no session moving to " + from + " as " + number);
        }
        t.lastAsked().set(System.nanoTime());
        return t;
    }

    private CompletionStage<byte[]> pageRequested(String from, ByteBuf body) {
        return CompletableFuture.supplyAsync(() -> {
            ByteBuf out = Unpooled.buffer();
            writePage(asked(from, body), out);
            return bytes(out);
        }, workers);
    }

    /**
     * Writes the first page of transfer {@code number} to {@code out}, for the answer that
     * announces it: the new owner reads it there instead of asking (a round trip less). If it
     * cannot be read now, the answer says so and the new owner asks for it as for the others
     * (whose failure gives the move up the usual way).
     */
    void firstPage(long number, ByteBuf out) {
        Outgoing t = outgoing.get(number);
        int start = out.writerIndex();
        out.writeBoolean(t != null);
        if (t == null) {
            return;
        }
        try {
            writePage(t, out);
        } catch (RuntimeException e) {
            LOG.debug("the first page of {} goes separately: {}", t.claim().id().clientId(), e.toString());
            out.writerIndex(start);
            out.writeBoolean(false);
        }
    }

    /** The first page {@link #firstPage} wrote, if it did. */
    static Optional<QueuePage> readFirstPage(ByteBuf in) {
        return in.readBoolean() ? Optional.of(readPage(in)) : Optional.empty();
    }

    private static void writePage(Outgoing t, ByteBuf out) {
        QueuePage page;
        synchronized (t) {
            page = t.session().next(PAGE_MESSAGES, PAGE_BYTES);
        }
        t.lastAsked().set(System.nanoTime());
        out.writeBoolean(page.last());
        out.writeInt(page.messages().size());
        long now = System.nanoTime();
        for (Message m : page.messages()) {
            MessageCodec.write(out, m, now, 0);
        }
    }

    /** A page as {@link #writePage} wrote it. */
    static QueuePage readPage(ByteBuf in) {
        boolean last = in.readBoolean();
        int n = Wire.readCount(in, MAX_PAGE_ITEMS);
        List<Message> messages = new ArrayList<>(n);
        long now = System.nanoTime();
        for (int i = 0; i < n; i++) {
            messages.add(MessageCodec.read(in, now, 0, false));
        }
        return new QueuePage(messages, last);
    }

    private CompletionStage<byte[]> commitRequested(String from, ByteBuf body) {
        return CompletableFuture.supplyAsync(() -> {
            Outgoing t = asked(from, body);
            if (!outgoing.remove(body.getLong(0), t)) {
                throw new ClusterException(ClusterException.Reason.REFUSED, "the move was given up");
            }
            synchronized (t) {
                t.session().committed();
            }
            return new byte[0];
        }, workers);
    }

    private CompletionStage<byte[]> abandonRequested(String from, ByteBuf body) {
        return CompletableFuture.supplyAsync(() -> {
            Outgoing t = asked(from, body);
            if (outgoing.remove(body.getLong(0), t)) {
                t.reason()[0] = from + " gave it up";
                giveUp.accept(t);
            }
            return new byte[0];
        }, workers);
    }

    /**
     * The session {@code from} gives up as transfer {@code number}, to read here; {@code first}
     * is its first page if the announcement carried it (else the first {@link IncomingSession#next}
     * asks for it).
     */
    IncomingSession incoming(String from, long number, SessionState head, Optional<QueuePage> first) {
        AtomicReference<QueuePage> unread = new AtomicReference<>(first.orElse(null));
        return new IncomingSession() {
            @Override
            public SessionState head() {
                return head;
            }

            @Override
            public CompletionStage<QueuePage> next() {
                QueuePage page = unread.getAndSet(null);
                if (page != null) {
                    return CompletableFuture.completedFuture(page);
                }
                LOG.debug("asking {} for the next page of transfer {}", from, number);
                return plane.request(from, OwnershipRegistry.OP_PAGE, number(number))
                        .thenApply(answer -> readPage(Unpooled.wrappedBuffer(answer)));
            }

            @Override
            public CompletionStage<Void> committed() {
                return plane.request(from, OwnershipRegistry.OP_COMMIT, number(number)).thenApply(b -> null);
            }

            @Override
            public CompletionStage<Void> abandon() {
                return plane.request(from, OwnershipRegistry.OP_ABANDON, number(number))
                        .handle((b, e) -> null);
            }
        };
    }

    private static byte[] number(long n) {
        byte[] b = new byte[8];
        Unpooled.wrappedBuffer(b).clear().writeLong(n);
        return b;
    }

    private static byte[] bytes(ByteBuf b) {
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        return out;
    }
}
