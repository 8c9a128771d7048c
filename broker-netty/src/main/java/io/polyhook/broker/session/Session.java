package io.polyhook.broker.session;

import io.polyhook.broker.routing.DeliveryTarget;
import io.polyhook.broker.routing.Message;
import io.polyhook.core.hook.internal.ClientLane;
import io.polyhook.spi.MqttVersion;
import io.polyhook.spi.SubscriberId;
import io.polyhook.spi.TopicSubscription;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;

/**
 * The broker-side state of one client identity (mountpoint + client id) that outlives a single
 * connection: its subscriptions and, while it is offline, its queue of QoS 1/2 messages.
 * Shared between event loops, so every mutable field is guarded by {@code this}; the connection
 * and the QoS upgrade are also volatile, so that routing reads them without the lock.
 *
 * <p>As the {@link DeliveryTarget} of its identity, it passes messages to its live connection's
 * outbound flow, or, while offline, to its queue (through the registry, which fires
 * {@code on_offline_message}).
 */
public final class Session implements DeliveryTarget {

    /** Where a message for an offline session goes. */
    interface OfflineDelivery {
        void queue(Session session, Message message);
    }

    /** Where the session's state lives. */
    enum Durability {
        /** On the heap only: a clean session, or persistence is off. */
        MEMORY,
        /** A persistent session in the durable store: its queue and in-flight messages are written there. */
        STORE
    }

    /** MQTT 5's "never expires" session expiry interval. */
    static final long NEVER = 0xFFFF_FFFFL;

    final SubscriberId id;
    final Map<String, TopicSubscription> subscriptions = new ConcurrentHashMap<>();
    private final OfflineQueue<Message> offline;
    private List<InFlight> inflight = List.of();
    // What the kept in-flight messages hold, counted in the broker's total while the session is offline.
    private long inflightBytes;
    private final ByteBudget budget;
    private final OfflineDelivery offlineDelivery;
    private volatile ClientConnection connection;
    private volatile Durability durability = Durability.MEMORY;
    // With Durability.STORE and a connection: what that connection does with the stored queue.
    private volatile OutboundJournal journal;
    // While the session moves to another node: where a message routed to it before the seal goes
    // (stored), or that reaches it after its heap queue was taken (set with the taking, under the lock).
    private volatile Surrender surrender;
    // For a while after the session moved here: drops a message that came both by a route and forwarded.
    private volatile RepeatCheck repeats;
    private List<Integer> inboundQos2 = List.of();
    private long expirySeconds;
    private ClientLane lane;
    private MqttVersion version = MqttVersion.V3_1_1;
    private ScheduledFuture<?> expiryTimer;
    private ScheduledFuture<?> willTimer;
    private Runnable pendingWill;
    private boolean discarded;
    // Per-client queue policy from auth_on_register: offline queue bound (-1: the broker's), order, QoS upgrade.
    private int maxOffline = -1;
    private boolean lifo;
    private volatile boolean upgradeQos;
    // Who connected last, for re-authorizing the subscriptions later.
    private Optional<String> username = Optional.empty();
    private boolean maySubscribe = true;
    // Set while another node takes the session over: completes once the local connection has given it back.
    private CompletableFuture<Void> handover;
    private boolean handoverKeepsState;

    Session(SubscriberId id, ByteBudget budget, OfflineDelivery offlineDelivery) {
        this.id = id;
        this.offline = OfflineQueue.of(budget);
        this.budget = budget;
        this.offlineDelivery = offlineDelivery;
    }

    /** Its identity. */
    public SubscriberId id() {
        return id;
    }

    ClientConnection connection() {
        return connection;
    }

    @Override
    public void deliver(Message message) {
        RepeatCheck r = repeats;
        if (r != null && r.repeated()) {
            return;
        }
        if (durability == Durability.STORE && message.qos() > 0) {
            // Into the store's queue first; the journal hands it to a live connection once written.
            offlineDelivery.queue(this, message);
            return;
        }
        ClientConnection c = connection;
        if (c != null) {
            c.outbound().deliver(message);
        } else {
            offlineDelivery.queue(this, message);
        }
    }

    @Override
    public boolean online() {
        return connection != null;
    }

    @Override
    public boolean upgradesQos() {
        return upgradeQos;
    }

    @Override
    public boolean congested() {
        ClientConnection c = connection;
        return c != null && c.outbound().congested();
    }

    @Override
    public void whenRelieved(Runnable relief) {
        ClientConnection c = connection;
        if (c == null) {
            relief.run();
        } else {
            c.outbound().whenRelieved(relief);
        }
    }

    /** Whether the session is kept in the durable store. */
    public boolean inStore() {
        return durability == Durability.STORE;
    }

    /** Keeps the ids of inbound QoS 2 messages whose PUBREL has not come (recovered from the store). */
    synchronized void inboundQos2(List<Integer> ids) {
        inboundQos2 = List.copyOf(ids);
    }

    /** Takes the inbound QoS 2 ids kept for the next connection. */
    public synchronized List<Integer> takeInboundQos2() {
        List<Integer> out = inboundQos2;
        inboundQos2 = List.of();
        return out;
    }

    Durability durability() {
        return durability;
    }

    void durability(Durability value) {
        durability = value;
    }

    OutboundJournal journal() {
        return journal;
    }

    void journal(OutboundJournal value) {
        journal = value;
    }

    /** Checks each delivery against {@code check} (null: no more) while copies of a message may come twice. */
    void repeats(RepeatCheck check) {
        repeats = check;
    }

    Surrender surrender() {
        return surrender;
    }

    void surrender(Surrender value) {
        surrender = value;
    }

    synchronized QueuePolicy policy() {
        return new QueuePolicy(maxOffline, lifo, upgradeQos);
    }

    synchronized ClientLane lane() {
        return lane;
    }

    synchronized MqttVersion version() {
        return version;
    }

    synchronized boolean isPersistent() {
        return expirySeconds > 0;
    }

    synchronized long expirySeconds() {
        return expirySeconds;
    }

    /** Sets the session expiry interval (an MQTT 5 DISCONNECT may change it). */
    public synchronized void expirySeconds(long seconds) {
        expirySeconds = seconds;
    }

    /** Sets the queue policy a register hook gave ({@code maxOfflineMessages} -1 for the broker's). */
    synchronized void policy(int maxOfflineMessages, boolean lastInFirstOut, boolean upgrade) {
        maxOffline = maxOfflineMessages;
        lifo = lastInFirstOut;
        upgradeQos = upgrade;
    }

    /** A session recovered from the store: what its last connection was. */
    synchronized void restore(MqttVersion v, long expiry) {
        version = v;
        expirySeconds = expiry;
        durability = Durability.STORE;
    }

    /** Records the user name and allow_subscribe of the connection that attaches. */
    synchronized void client(Optional<String> user, boolean subscribeAllowed) {
        username = user;
        maySubscribe = subscribeAllowed;
    }

    synchronized Optional<String> username() {
        return username;
    }

    synchronized boolean maySubscribe() {
        return maySubscribe;
    }

    /** The offline queue bound: the client's own, or {@code brokerMax}. */
    synchronized int maxOffline(int brokerMax) {
        return maxOffline >= 0 ? maxOffline : brokerMax;
    }

    synchronized boolean isDiscarded() {
        return discarded;
    }

    synchronized void discard() {
        discarded = true;
        offline.clear();
        releaseInFlight();
        cancelExpiry();
    }

    /**
     * Binds a new connection. Returns the messages queued while offline, oldest first; the
     * unacknowledged ones of the previous connection are then taken with {@link #takeInFlight()}.
     */
    synchronized List<Message> attach(ClientConnection handler, long expiry, ClientLane newLane, MqttVersion v) {
        connection = handler;
        expirySeconds = expiry;
        lane = newLane;
        version = v;
        cancelExpiry();
        // MQTT 5 §3.1.3.2.2: a client that is back before its will delay ran out cancels the will.
        cancelWill();
        List<Message> queued = offline.takeAll();
        if (lifo) {
            java.util.Collections.reverse(queued);
        }
        return queued;
    }

    /** Unbinds {@code handler} if it is still the session's connection; returns whether it was. */
    synchronized boolean detach(ClientConnection handler) {
        if (connection != handler) {
            return false;
        }
        connection = null;
        return true;
    }

    /** Unbinds whatever connection is bound (a takeover); returns it. */
    synchronized ClientConnection takeOver() {
        ClientConnection previous = connection;
        connection = null;
        return previous;
    }

    /**
     * Offers {@code m}, for this offline session, to its heap queue within {@code max} messages and
     * {@code maxBytes} (see {@link OfflineQueue#add}; {@code onDrop} runs per drop). The one rule for a
     * message that reaches a session while it moves away: once a move took the heap queue
     * ({@link #takeQueued}), or committed, the message is the move's ({@link Moving}; hand it to
     * {@link Surrender#takeLate} after this returns, outside this lock), never a queue no one reads again.
     */
    synchronized Offer offerOrMove(Message m, int max, long maxBytes, Runnable onDrop) {
        Surrender move = surrender;
        if (move != null && move.takesLateMessages()) {
            return new Moving(move);
        }
        if (discarded) {
            onDrop.run();
            return Kept.DROPPED;
        }
        return offline.add(m, max, maxBytes, onDrop) ? Kept.QUEUED : Kept.DROPPED;
    }

    /** What became of a message offered to the heap queue ({@link #offerOrMove}). */
    sealed interface Offer permits Kept, Moving {
    }

    /** The queue took the message, or it was dropped (and counted). */
    enum Kept implements Offer {
        QUEUED,
        DROPPED
    }

    /** The queue went with {@code move}: the message goes to it ({@link Surrender#takeLate}). */
    record Moving(Surrender move) implements Offer {
    }

    /** A message a move handed back (given up after {@link #offerOrMove} chose it): offered to the session again. */
    void offerAgain(Message m) {
        offlineDelivery.queue(this, m);
    }

    /** Keeps the unacknowledged messages of a connection that went away, for the next one. */
    synchronized void keepInFlight(List<InFlight> entries) {
        releaseInFlight();
        inflight = List.copyOf(entries);
        for (InFlight f : inflight) {
            inflightBytes += f.message().heapBytes();
        }
        // Taken whether or not it fits (they were sent, nothing may drop them): further queueing then finds less room.
        budget.take(inflightBytes);
    }

    /** Takes the unacknowledged messages kept for resending. */
    synchronized List<InFlight> takeInFlight() {
        List<InFlight> out = inflight;
        releaseInFlight();
        return out;
    }

    private void releaseInFlight() {
        inflight = List.of();
        budget.giveBack(inflightBytes);
        inflightBytes = 0;
    }

    /**
     * Another node takes this session over: {@link #handedOver()} completes once the connection
     * unbound by the takeover has given back what it held ({@link #connectionReturned()}), at
     * once if there was none. {@code keepsState}: the session lives on there (no will here).
     */
    synchronized void handingOver(boolean connectionToWaitFor, boolean keepsState) {
        handover = new CompletableFuture<>();
        handoverKeepsState = keepsState;
        if (!connectionToWaitFor) {
            handover.complete(null);
        }
    }

    synchronized CompletableFuture<Void> handedOver() {
        return handover;
    }

    /** Whether the session moves to another node with its state, so that its will is not sent here. */
    synchronized boolean movesWithState() {
        return handover != null && handoverKeepsState;
    }

    /** The connection a takeover unbound has given its messages back. */
    void connectionReturned() {
        CompletableFuture<Void> h;
        synchronized (this) {
            h = handover;
        }
        if (h != null) {
            h.complete(null);
        }
    }

    /** Takes what another node resumes the session with, but its queue: subscriptions, in-flight, inbound ids. */
    synchronized Handover handover() {
        List<InFlight> unacknowledged = takeInFlight();
        List<Integer> inbound = inboundQos2;
        inboundQos2 = List.of();
        return new Handover(id, expirySeconds, List.copyOf(subscriptions.values()), unacknowledged, inbound);
    }

    /**
     * Takes the queue held on the heap (a session that is not in the durable store), oldest first,
     * for {@code move}: from now on a message offered to the queue goes to the move instead
     * ({@link Moving}). In one step under the lock, so that no message lands in the queue
     * after it was taken, where no one would read it again.
     */
    synchronized List<Message> takeQueued(Surrender move) {
        surrender = move;
        return offline.takeAll();
    }

    /**
     * A move given up: the taken queue comes back, ahead of what was queued since the move was
     * given up (offered after it, those found the queue taking them again).
     */
    synchronized void restoreQueued(List<Message> queue) {
        surrender = null;
        List<Message> since = offline.takeAll();
        queue.forEach(m -> offline.add(m, Integer.MAX_VALUE, Long.MAX_VALUE, () -> { }));
        since.forEach(m -> offline.add(m, Integer.MAX_VALUE, Long.MAX_VALUE, () -> { }));
    }

    /**
     * Keeps the packet ids of the client's QoS 2 messages whose PUBREL has not come, as its
     * connection goes, for the next connection (here or on the node the session moves to).
     */
    public synchronized void keepInboundQos2(List<Integer> ids) {
        if (!ids.isEmpty()) {
            inboundQos2 = List.copyOf(ids);
        }
    }

    synchronized int queued() {
        return offline.size();
    }

    /** Keeps a delayed will until {@code timer} publishes it, the session ends, or the client returns. */
    synchronized void pendingWill(Runnable publish, ScheduledFuture<?> timer) {
        cancelWill();
        pendingWill = publish;
        willTimer = timer;
    }

    /** Takes the delayed will, if it is still pending: whoever gets it publishes it. */
    synchronized Runnable takePendingWill() {
        Runnable w = pendingWill;
        pendingWill = null;
        if (willTimer != null) {
            willTimer.cancel(false);
            willTimer = null;
        }
        return w;
    }

    private void cancelWill() {
        pendingWill = null;
        if (willTimer != null) {
            willTimer.cancel(false);
            willTimer = null;
        }
    }

    synchronized void expiryTimer(ScheduledFuture<?> timer) {
        cancelExpiry();
        expiryTimer = timer;
    }

    private void cancelExpiry() {
        if (expiryTimer != null) {
            expiryTimer.cancel(false);
            expiryTimer = null;
        }
    }
}
