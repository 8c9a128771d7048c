package io.polyhook.broker.connection;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.polyhook.broker.codec.Mqtt3Encoding;
import io.polyhook.broker.codec.Packets;
import io.polyhook.broker.routing.Message;
import io.polyhook.broker.session.InFlight;
import io.polyhook.broker.session.OutboundJournal;
import io.polyhook.broker.sys.BrokerStats;
import io.polyhook.core.hook.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The outgoing side of one connection: the {@link InFlightWindow} of QoS 1/2 messages and the
 * bounded queue of messages that cannot go out yet. Used only on the connection's event loop.
 *
 * <p>A message goes out at once if the socket is writable and, for QoS 1/2, the window has
 * room; otherwise it waits behind the others, so order is kept, and the oldest waiting message is
 * dropped beyond {@code maxQueued}: a slow subscriber costs a bounded queue, not unbounded buffers.
 *
 * <p>Backpressure ({@link PublisherPause}): above {@code highWater} waiting messages the outbox is
 * congested, and publishers that route to it stop reading ({@link #whenRelieved}) until it is back
 * under half of that; so a subscriber that is merely slower than its publishers loses nothing, and
 * only one that stays behind (the publishers resume after a bounded pause) reaches {@code maxQueued}
 * and drops. From its first drop, or once it has kept them paused past its budget, until it is back
 * under half the high-water mark it pauses no one.
 *
 * <p>Slow consumers ({@link BehindPolicy}): a subscriber whose queue is full, or whose oldest waiting
 * message waited longer than a bound, either loses its oldest messages (counted) or is reported
 * once to its connection, which disconnects it; the queue then keeps the overflowing message so
 * the session can keep it.
 */
final class Outbox {

    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);

    private final ChannelHandlerContext ctx;
    private final boolean v5;
    private final PublishEncoding encoding;
    private final int maxQueued;
    private final BrokerStats stats;
    private LoopTimer retryTimer;
    private final InFlightWindow inflight;
    private final ArrayDeque<Message> waiting = new ArrayDeque<>();
    private final int highWater;
    // After a takeover of a live connection: nothing new goes out while it awaits that one's in-flight messages.
    private HandoverWait handover;
    // A persistent session in the durable store: what goes out and comes back is written there; else null.
    private OutboundJournal journal;
    private boolean flushScheduled;
    private boolean pumping;
    private long dropped;
    private final PublisherPause pause;
    private final BehindPolicy behind;
    // With a time bound: when each waiting message started waiting (on the clock), in queue order.
    private final ArrayDeque<Long> waitingSince = new ArrayDeque<>();
    private ScheduledFuture<?> delayTimer;
    private boolean reportedBehind;
    // Runs once at most half of highWater messages wait (event loop only): the next step of a drain.
    private Runnable onRoom;
    // The bytes the waiting messages hold (Message.heapBytes), against budget.
    private final OutboxBudget budget;
    private long waitingBytes;
    private final Ticker clock;

    /**
     * @param window        unacknowledged QoS 1/2 messages allowed at once
     * @param maxPacketSize the client's Maximum Packet Size, 0 for none
     * @param maxQueued     messages that may wait before the oldest is dropped
     */
    Outbox(ChannelHandlerContext ctx, boolean v5, int window, long maxPacketSize, int maxQueued, BrokerStats stats) {
        this(ctx, v5, window, maxPacketSize, maxQueued, maxQueued, stats);
    }

    /** @param highWater waiting messages above which publishers are asked to pause */
    Outbox(ChannelHandlerContext ctx, boolean v5, int window, long maxPacketSize, int maxQueued, int highWater,
           BrokerStats stats) {
        this(ctx, v5, window, maxPacketSize, maxQueued, highWater, stats, BehindPolicy.DROP);
    }

    /** @param behind what happens to this subscriber when it stays behind */
    Outbox(ChannelHandlerContext ctx, boolean v5, int window, long maxPacketSize, int maxQueued, int highWater,
           BrokerStats stats, BehindPolicy behind) {
        this(ctx, v5, window, maxPacketSize, maxQueued, highWater, stats, behind, OutboxBudget.unbounded());
    }

    /** @param budget the bytes the waiting messages may hold */
    Outbox(ChannelHandlerContext ctx, boolean v5, int window, long maxPacketSize, int maxQueued, int highWater,
           BrokerStats stats, BehindPolicy behind, OutboxBudget budget) {
        this(ctx, v5, window, maxPacketSize, maxQueued, highWater, stats, behind, budget, Ticker.system());
    }

    /** @param clock the time of message expiry and of how long a message waited */
    Outbox(ChannelHandlerContext ctx, boolean v5, int window, long maxPacketSize, int maxQueued, int highWater,
           BrokerStats stats, BehindPolicy behind, OutboxBudget budget, Ticker clock) {
        this.clock = clock;
        this.pause = new PublisherPause(clock);
        this.budget = budget;
        this.behind = behind;
        this.stats = stats;
        this.ctx = ctx;
        this.highWater = Math.max(1, Math.min(highWater, maxQueued));
        this.v5 = v5;
        this.inflight = new InFlightWindow(window);
        this.encoding = new PublishEncoding(ctx, v5, maxPacketSize);
        this.maxQueued = Math.max(1, maxQueued);
    }

    void journal(OutboundJournal value) {
        journal = value;
        if (value != null) {
            // Every flush of the channel, whoever asks for it, writes the journal's changes first.
            ctx.pipeline().addBefore(ctx.name(), JournalCommit.NAME, new JournalCommit(value));
        }
    }

    /**
     * Sets topic aliases toward the client (MQTT 5): at most {@code maximum}, none if 0. Called
     * once, before anything is sent.
     */
    void topicAliases(int maximum) {
        encoding.topicAliases(maximum);
    }

    /** Nothing new goes out while {@code wait} awaits the in-flight messages of a connection this one took over. */
    void handover(HandoverWait wait) {
        handover = wait;
    }

    /**
     * Resends what the previous connection of the session left unacknowledged, with the same
     * packet ids (MQTT 3.1.1 §4.4, MQTT 5 §4.4): the PUBLISH with DUP set, or only the PUBREL.
     */
    void resend(List<InFlight> entries) {
        long now = clock.read();
        for (InFlight f : entries) {
            if (inflight.holds(f.packetId())) {
                // The id is taken by a message this connection sent meanwhile (a takeover): send it as new.
                if (!f.released()) {
                    send(f.message());
                }
                continue;
            }
            if (f.released()) {
                inflight.restore(f);
                write(Packets.pubReply(MqttMessageType.PUBREL, f.packetId(), Packets.SUCCESS));
            } else if (!f.message().isExpired(now)) {
                inflight.restore(f);
                write(encoding.publish(f.message().withRemainingExpiry(now), f.packetId(), true));
            }
        }
    }

    /** Sends {@code m}, or queues it behind the others. */
    void send(Message m) {
        if (!waiting.isEmpty() || !canSend(m)) {
            keep(m);
            return;
        }
        transmit(m);
    }

    /** A successful PUBACK or PUBREC for the client, flushed with the current burst. */
    void acknowledge(MqttMessageType type, int packetId) {
        write(v5 ? Packets.pubReply(type, packetId, Packets.SUCCESS)
                : Mqtt3Encoding.acknowledgement(type, packetId, ctx.alloc()));
    }

    /** Queues {@code m} without trying to send it (the connection is closing). */
    void keep(Message m) {
        long size = m.heapBytes();
        if (isFull(size)) {
            if (behind.disconnect() && !reportedBehind) {
                // Kept beyond the bound this once: the connection closes and the session keeps the QoS 1/2 ones.
                budget.total().take(size);
                add(m, size);
                fellBehind();
                return;
            }
            // A slow consumer: the bounds hold, the oldest go, and they are counted.
            do {
                drop(poll());
            } while (!waiting.isEmpty() && waitingBytes + size > budget.maxBytes());
            pause.shed();
            if (dropped == 1) {
                LOG.warn("a subscriber stays behind: dropping its oldest queued messages beyond {} messages or {} bytes",
                        maxQueued, budget.maxBytes());
            }
        }
        if (!budget.total().tryTake(size)) {
            // Every queue of the broker together is at broker.max_total_queued_bytes.
            if (behind.disconnect() && !reportedBehind) {
                budget.total().take(size);
                add(m, size);
                fellBehind();
                return;
            }
            pause.shed();
            drop(m);
            return;
        }
        add(m, size);
        if (behind.maxDelayNanos() > 0) {
            checkDelay();
        }
    }

    /** Whether a message of {@code size} bytes finds no room (an empty queue always has room). */
    private boolean isFull(long size) {
        return !waiting.isEmpty() && (waiting.size() >= maxQueued || waitingBytes + size > budget.maxBytes());
    }

    private void add(Message m, long size) {
        waitingBytes += size;
        waiting.addLast(m);
        if (behind.maxDelayNanos() > 0) {
            waitingSince.addLast(clock.read());
        }
        if (waiting.size() > highWater) {
            pause.congest();
        }
    }

    private Message poll() {
        if (behind.maxDelayNanos() > 0) {
            waitingSince.pollFirst();
        }
        Message m = waiting.pollFirst();
        if (m != null) {
            long size = m.heapBytes();
            waitingBytes -= size;
            budget.total().giveBack(size);
        }
        return m;
    }

    /** Counted, and out of the stored queue: what the journal tracks stays within this queue's bounds. */
    private void drop(Message m) {
        stats.messageDropped();
        dropped++;
        gone(m);
    }

    private void fellBehind() {
        if (!reportedBehind) {
            reportedBehind = true;
            behind.onBehind().run();
        }
    }

    /**
     * The time bound: messages that waited too long are dropped (counted), or the consumer is
     * reported; then checks again when the oldest one left would run out.
     */
    private void checkDelay() {
        long now = clock.read();
        Long since;
        while ((since = waitingSince.peekFirst()) != null && now - since >= behind.maxDelayNanos()) {
            if (behind.disconnect()) {
                fellBehind();
                return;
            }
            pause.shed();
            drop(poll());
        }
        if (since != null && delayTimer == null) {
            delayTimer = ctx.executor().schedule(() -> {
                delayTimer = null;
                checkDelay();
            }, since + behind.maxDelayNanos() - now, TimeUnit.NANOSECONDS);
        }
    }

    /** Sends what waits for as long as it can go; call when the socket became writable again. */
    void pump() {
        if (pumping) {
            // Re-entered from a flush that made the channel writable again: the outer loop goes on.
            return;
        }
        pumping = true;
        try {
            Message next;
            while ((next = waiting.peekFirst()) != null && canSend(next)) {
                transmit(poll());
            }
        } finally {
            pumping = false;
        }
        if (pause.state() != PublisherPause.State.FLOWING && waiting.size() <= highWater / 2) {
            pause.relieve();
        }
        if (onRoom != null && waiting.size() <= highWater / 2) {
            Runnable r = onRoom;
            onRoom = null;
            ctx.executor().execute(r);
        }
    }

    /** Whether fewer than the high-water mark of messages wait (so publishers are not asked to pause). */
    boolean hasRoom() {
        return waiting.size() < highWater;
    }

    /**
     * On the event loop: runs {@code r} as a new task once at most half of the high-water mark
     * waits, at once (as a new task) if that is so now. One at a time: a later call replaces it.
     */
    void whenRoom(Runnable r) {
        if (waiting.size() <= highWater / 2) {
            ctx.executor().execute(r);
        } else {
            onRoom = r;
        }
    }

    /** Whether no timer or task of this outbox waits on the event loop but the retry timer (which follows a move). */
    boolean timersIdle() {
        return delayTimer == null && onRoom == null;
    }

    /** Whether publishers should pause; read from any thread. */
    boolean congested() {
        return pause.congested();
    }

    /** From any thread: runs {@code r} once this outbox is no longer congested, at once if it is not. */
    void whenRelieved(Runnable r) {
        pause.whenRelieved(r);
    }

    /** Messages dropped because the queue was full. */
    long droppedCount() {
        return dropped;
    }

    /** PUBACK, PUBCOMP, or a PUBREC with an error code: the message is done. */
    void acknowledged(int packetId) {
        if (inflight.done(packetId)) {
            if (journal != null) {
                journal.acknowledged(packetId);
                // Written with the burst's next flush, even if nothing else is sent.
                scheduleFlush();
            }
            pump();
        }
    }

    /** PUBREC: from now on only the PUBREL may be resent, never the PUBLISH (exactly once). */
    void received(int packetId) {
        if (inflight.released(packetId) && journal != null) {
            journal.released(packetId);
        }
        // The void promise, as every write of an open connection (Connection.send says why).
        ctx.writeAndFlush(Packets.pubReply(MqttMessageType.PUBREL, packetId, Packets.SUCCESS), ctx.voidPromise());
    }

    /** The connection is gone: stops the retry timer. */
    void close() {
        if (retryTimer != null) {
            retryTimer.cancel();
        }
        if (delayTimer != null) {
            delayTimer.cancel(false);
        }
        onRoom = null;
    }

    /** Empties the window, oldest message first, for the session to keep. */
    List<InFlight> takeInFlight() {
        return inflight.takeAll();
    }

    /** Empties the queue; QoS 0 messages are dropped, the others returned in order. */
    List<Message> takeWaiting() {
        List<Message> out = new ArrayList<>(waiting.size());
        for (Message m : waiting) {
            if (m.qos() > 0) {
                out.add(m);
            }
        }
        waiting.clear();
        waitingSince.clear();
        budget.total().giveBack(waitingBytes);
        waitingBytes = 0;
        pause.relieve();
        return out;
    }

    int inFlightCount() {
        return inflight.count();
    }

    int waitingCount() {
        return waiting.size();
    }

    private boolean canSend(Message m) {
        return (handover == null || !handover.awaited()) && ctx.channel().isWritable()
                && (m.qos() == 0 || inflight.hasRoom());
    }

    private void transmit(Message m) {
        Message wire = m;
        if (m.properties().messageExpiryInterval().isPresent()) {
            long now = clock.read();
            if (m.isExpired(now)) {
                stats.messageDropped();
                gone(m);
                return;
            }
            wire = m.withRemainingExpiry(now);
        }
        if (encoding.tooLarge(wire)) {
            // MQTT 5 §3.1.2.11.4: a packet the client cannot take is discarded as if it had been delivered.
            LOG.debug("dropping a message above the client's maximum packet size");
            stats.messageDropped();
            gone(m);
            return;
        }
        stats.messageSent();
        if (m.qos() == 0) {
            write(encoding.publishQos0(wire));
            return;
        }
        // The original goes in flight: a resend after a reconnect computes its remaining expiry afresh.
        int id = inflight.send(m);
        if (journal != null) {
            // QoS 2: in the write-ahead log with this id before the PUBLISH goes out (exactly once).
            // QoS 1 from the stored queue: stays queued until its PUBACK (OutboundJournal.sent).
            journal.sent(m, id);
        }
        write(encoding.publish(wire, id, false));
    }

    /** {@code m} will not be sent (also one a drain's backlog dropped): out of the stored queue. */
    void gone(Message m) {
        if (journal != null) {
            journal.gone(m);
            scheduleFlush();
        }
    }

    /** MQTT 3 retry_interval: resends what stays unacknowledged for a whole interval, with DUP set. */
    void retryEvery(long seconds) {
        retryTimer = new LoopTimer(ctx, seconds, () -> inflight.retryTick(f -> write(f.released()
                ? Packets.pubReply(MqttMessageType.PUBREL, f.packetId(), Packets.SUCCESS)
                : encoding.publish(f.message(), f.packetId(), true))));
    }

    /** Writes now and flushes once after the current burst, instead of one syscall per message. */
    private void write(Object packet) {
        ctx.write(packet, ctx.voidPromise());
        if (!ctx.channel().isWritable()) {
            // Unflushed bytes count against the high-water mark: a burst of one read batch would
            // make the channel unwritable (and queue, then drop) though the socket has room.
            ctx.flush();
            return;
        }
        scheduleFlush();
    }

    /** Flushes once after the current burst. */
    private void scheduleFlush() {
        if (!flushScheduled) {
            flushScheduled = true;
            LoopFlushes.get().add(this, ctx.executor());
        }
    }

    /** The flush {@link LoopFlushes} promised. */
    void flushNow() {
        flushScheduled = false;
        ctx.flush();
    }
}
