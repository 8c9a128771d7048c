package io.polyhook.broker.session;

import io.polyhook.broker.routing.Message;
import io.polyhook.broker.store.BrokerStore;
import io.polyhook.broker.store.QueueLimits;
import io.polyhook.broker.store.StoreBatch;
import io.polyhook.broker.store.StoredSession;
import io.polyhook.spi.MqttVersion;
import io.polyhook.spi.SubscriberId;
import io.polyhook.spi.TopicSubscription;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * A session another node gives up, written here: its state first ({@link #begin}), its queue a
 * page at a time ({@link #append}), then {@link #written()} once it is all in the write-ahead log,
 * and {@link #install()} makes it this node's session (the attach that follows resumes it). With
 * a durable store the session is written into it as it comes, under a marker that says it is
 * incomplete: a node that crashes in the middle drops what it wrote of it at its restart (the old
 * owner still has it). Without one, the queue gathers on the heap.
 *
 * <p>Messages forwarded to the session meanwhile wait here ({@link #hold}, bounded) and go into
 * the session after its queue.
 */
public final class Adoption {

    /** The store's table of sessions being written here: present only while one is incomplete. */
    public static final String MARKER_TABLE = "$polyhook.adopting";
    /** How many forwarded messages wait for one session while its queue is written. */
    static final int MAX_HELD = 100_000;

    /** How far the adoption is. */
    private enum Phase {
        WRITING,
        WRITTEN,
        INSTALLED,
        FAILED
    }

    private final SessionHandover handover;
    private final SessionRegistry registry;
    private final Handover head;
    private final Session session;
    private final BrokerStore store;
    private final List<Message> held = new ArrayList<>();
    private Phase phase = Phase.WRITING;

    Adoption(SessionHandover handover, SessionRegistry registry, Handover head, RepeatCheck repeats) {
        this.handover = handover;
        this.registry = registry;
        this.head = head;
        this.session = registry.newSession(head.id());
        session.repeats(repeats);
        this.store = registry.durable().enabled() ? registry.durable().store() : null;
    }

    /** The key of {@code id} in {@link #MARKER_TABLE}. */
    public static String markerKey(SubscriberId id) {
        return id.mountpoint() + '\u0000' + id.clientId();
    }

    /**
     * Writes the session's record, subscriptions, in-flight messages and inbound QoS 2 ids (with
     * the marker), committed before this returns.
     *
     * @throws io.polyhook.broker.store.StoreException if the store refused it
     */
    public void begin() {
        session.expirySeconds(head.expirySeconds());
        for (TopicSubscription sub : head.subscriptions()) {
            session.subscriptions.put(sub.filter(), sub);
        }
        if (store == null) {
            return;
        }
        session.restore(MqttVersion.V3_1_1, head.expirySeconds());
        SubscriberId id = head.id();
        StoredSession record = new StoredSession(id, MqttVersion.V3_1_1, head.expirySeconds(),
                OptionalLong.of(System.currentTimeMillis()), -1, false, false, Optional.empty());
        try (StoreBatch b = store.batch()) {
            b.removeSession(id);
            b.commit();
        }
        try (StoreBatch b = store.batch()) {
            b.putKv(MARKER_TABLE, markerKey(id), Long.toString(System.currentTimeMillis()).getBytes(StandardCharsets.UTF_8));
            b.putSession(record);
            head.subscriptions().forEach(sub -> b.putSubscription(id, sub));
            for (InFlight f : head.inflight()) {
                b.putInFlight(id, f.packetId(), DurableSessions.stored(f.message()));
            }
            head.inboundQos2().forEach(p -> b.putInboundQos2(id, p));
            b.commit();
        }
        if (head.inflight().stream().anyMatch(InFlight::released)) {
            try (StoreBatch b = store.batch()) {
                head.inflight().stream().filter(InFlight::released).forEach(f -> b.releaseInFlight(id, f.packetId()));
                b.commit();
            }
        }
    }

    /** Appends the next page of the queue, in order (in the write-ahead log when this returns). */
    public void append(List<Message> page) {
        if (page.isEmpty()) {
            return;
        }
        if (store == null) {
            // Moved, not received: the limits were applied where they were queued, and nothing acknowledged may drop.
            page.forEach(m -> session.offerOrMove(m, Integer.MAX_VALUE, Long.MAX_VALUE, () -> { }));
            return;
        }
        try (StoreBatch b = store.batch()) {
            for (Message m : page) {
                b.append(head.id(), DurableSessions.stored(m), QueueLimits.NONE);
            }
            b.commit();
        }
    }

    /**
     * The whole queue is written: the marker goes, and the stage completes once that is as
     * durable as {@code persistence.sync} promises (the CONNACK with session present waits for it).
     */
    public CompletionStage<Void> written() {
        synchronized (this) {
            phase = Phase.WRITTEN;
        }
        if (store == null) {
            return CompletableFuture.completedFuture(null);
        }
        try (StoreBatch b = store.batch()) {
            b.removeKv(MARKER_TABLE, markerKey(head.id()));
            b.commit();
        }
        return store.barrier();
    }

    /**
     * Makes the session this node's, offline; the messages held meanwhile go into it after its
     * queue. Its deliveries are checked for repeats until the previous owner forwards no more.
     */
    public void install() {
        session.keepInFlight(head.inflight());
        session.inboundQos2(head.inboundQos2());
        registry.install(session, head.expirySeconds());
        registry.schedule("end of the repeat check", () -> session.repeats(null), SessionHandover.REPEAT_SECONDS,
                TimeUnit.SECONDS);
        // Registered first: a message forwarded from now on is held and delivered here, in order, or finds the session.
        synchronized (this) {
            held.forEach(session::deliver);
            held.clear();
            phase = Phase.INSTALLED;
        }
        handover.adopted(head.id(), this);
    }

    /** The move did not complete: what was written of it here goes (the old owner keeps it). */
    public void fail() {
        synchronized (this) {
            if (phase == Phase.INSTALLED || phase == Phase.FAILED) {
                return;
            }
            phase = Phase.FAILED;
            held.clear();
        }
        handover.adopted(head.id(), this);
        session.discard();
        if (store != null) {
            try (StoreBatch b = store.batch()) {
                b.removeSession(head.id());
                b.removeKv(MARKER_TABLE, markerKey(head.id()));
                b.commit();
            }
        }
    }

    /** Holds a message forwarded to the session while it is written; false once it is installed. */
    synchronized boolean hold(Message m) {
        if (phase == Phase.INSTALLED || phase == Phase.FAILED) {
            return false;
        }
        if (held.size() < MAX_HELD) {
            held.add(m);
        }
        return true;
    }
}
