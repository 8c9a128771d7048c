package io.polyhook.broker.session;

import io.polyhook.broker.config.BrokerSettings;
import io.polyhook.broker.failure.ThreadFailures;
import io.polyhook.broker.routing.Message;
import io.polyhook.broker.routing.Router;
import io.polyhook.broker.routing.SubscriptionTree;
import io.polyhook.broker.sys.BrokerStats;
import io.polyhook.broker.sys.SessionCount;
import io.polyhook.core.hook.internal.HookDispatcher;
import io.polyhook.spi.SubscriberId;
import io.polyhook.spi.TopicSubscription;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Every session of the broker by identity: attaching a connection to its session (taking it over
 * from another one, starting afresh or resuming), detaching it, the offline queues and the
 * subscriptions; with {@link SessionExpiry}, {@link DelayedWills} and
 * {@link SubscriptionReauthorization}. Each session is its identity's
 * {@link io.polyhook.broker.routing.DeliveryTarget} in the {@link Router}.
 */
@Singleton
public final class SessionRegistry implements SessionCount, AutoCloseable {

    private final Map<SubscriberId, Session> sessions = new ConcurrentHashMap<>();
    private final BrokerSettings settings;
    private final Router router;
    private final SubscriptionTree tree;
    private final ByteBudget queuedBytes;
    private final OfflineQueueing offlineDelivery;
    private DurableSessions durable = new DurableSessions(Optional.empty());
    private volatile ClusterSeam cluster = ClusterSeam.SINGLE_NODE;
    private final SessionHandover handover = new SessionHandover(this);
    private final DelayedWills wills = new DelayedWills(this);
    private final SessionExpiry expiry;
    private final SessionLeave leave;
    private final SubscriptionReauthorization reauthorization;
    // One small platform thread for session-expiry and will-delay timers; the tasks only take locks.
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "polyhook-timers");
        t.setDaemon(true);
        return t;
    });

    /** A registry whose sessions receive from {@code router}, calling hooks through {@code dispatcher}. */
    @Inject
    public SessionRegistry(BrokerSettings settings, HookDispatcher dispatcher, Router router, BrokerStats stats) {
        this.queuedBytes = new ByteBudget(settings.limits().maxTotalQueuedBytes());
        this.settings = settings;
        this.router = router;
        this.tree = router.tree();
        this.offlineDelivery = new OfflineQueueing(settings, dispatcher, stats, this::durable);
        this.reauthorization = new SubscriptionReauthorization(this, settings, dispatcher);
        this.expiry = new SessionExpiry(this, dispatcher, wills);
        this.leave = new SessionLeave(this, settings, dispatcher, stats, offlineDelivery);
    }

    /** Keeps persistent sessions in {@code store}'s durable store (Guice calls it when one is bound). */
    @Inject
    void persistence(DurableSessions store) {
        durable = store;
    }

    /** Where persistent sessions are written (disabled without a durable store). */
    public DurableSessions durable() {
        return durable;
    }

    /** The router the sessions are delivery targets of. */
    public Router router() {
        return router;
    }

    /** The cluster this node's sessions are part of ({@link ClusterSeam#SINGLE_NODE} without one). */
    public ClusterSeam cluster() {
        return cluster;
    }

    /** Plugs a cluster in; set once at start, before the listeners bind. */
    public void cluster(ClusterSeam value) {
        cluster = java.util.Objects.requireNonNull(value, "cluster");
    }

    /** What all queues hold together, against {@code broker.max_total_queued_bytes}. */
    public ByteBudget queuedBytes() {
        return queuedBytes;
    }

    /** Where messages for offline sessions go, within their bounds. */
    OfflineQueueing offlineQueueing() {
        return offlineDelivery;
    }

    /** The number of sessions, online or offline. */
    @Override
    public int size() {
        return sessions.size();
    }

    /** Whether a session exists for {@code id}. */
    public boolean contains(SubscriberId id) {
        return sessions.containsKey(id);
    }

    /**
     * What {@link #connect} found and did.
     *
     * @param session        the session now attached
     * @param sessionPresent whether it was resumed
     * @param previous       the connection it was taken from, if any (told by the registry already)
     * @param queued         what was queued while it was offline, in delivery order
     * @param resend         what the previous connection left unacknowledged, to resend first
     * @param journal        for a session in the durable store: its stored queue, read in pages; else null
     */
    public record Attached(Session session, boolean sessionPresent, ClientConnection previous, List<Message> queued,
                           List<InFlight> resend, OutboundJournal journal) {
    }

    /**
     * Binds {@code connection} to the session of {@code client.id()}: takes the session over from
     * another connection (which is told), starts it afresh ({@code cleanStart}) or resumes it.
     */
    public Attached connect(ClientAttachment client, ClientConnection connection) {
        Attached attached;
        durable.writePendingBurst();
        synchronized (this) {
            Session existing = sessions.get(client.id());
            ClientConnection previous = null;
            boolean present = false;
            Session session;
            if (existing != null) {
                previous = existing.takeOver();
            }
            if (existing != null && !client.cleanStart()) {
                session = existing;
                present = true;
            } else {
                if (existing != null) {
                    drop(existing);
                }
                handover.endForwarding(client.id());
                session = new Session(client.id(), queuedBytes, offlineDelivery);
                sessions.put(client.id(), session);
                router.addTarget(client.id(), session);
            }
            QueuePolicy policy = client.queuePolicy();
            session.policy(policy.maxOfflineMessages(), policy.lastInFirstOut(), policy.upgradeQos());
            session.client(client.username(), client.maySubscribe());
            List<Message> queued = session.attach(connection, client.expirySeconds(), client.lane(), client.version());
            OutboundJournal journal = durable.enabled() ? DurableLifecycle.attached(durable, session, connection) : null;
            attached = new Attached(session, present, previous, queued, session.takeInFlight(), journal);
        }
        if (attached.previous() != null) {
            attached.previous().takenOver();
        }
        return attached;
    }

    /**
     * The connection of {@code session} went away ({@link SessionLeave}). {@code inflight} are its
     * QoS 1/2 messages that were sent and not fully acknowledged, {@code pending} those that never
     * went out; both go back to the session.
     */
    public void disconnected(Session session, ClientConnection connection, List<InFlight> inflight,
                             List<Message> pending) {
        leave.disconnected(session, connection, inflight, pending);
    }

    /**
     * Removes {@code session}, if still registered, with its subscriptions, route and stored copy,
     * and gives up its ownership in the cluster; returns whether it was registered. Caller holds the lock.
     */
    boolean release(Session session) {
        if (!sessions.remove(session.id, session)) {
            return false;
        }
        drop(session);
        cluster.released(session.id);
        return true;
    }

    // ---------------------------------------------------------------- recovery (DurableRecovery)

    /** A session for {@code id} that is not registered yet. */
    Session newSession(SubscriberId id) {
        return new Session(id, queuedBytes, offlineDelivery);
    }

    /** Registers a session recovered from the store, with its subscriptions, offline for {@code expiresInMillis}. */
    void restore(Session session, long expiresInMillis) {
        sessions.put(session.id, session);
        router.addTarget(session.id, session);
        for (TopicSubscription sub : session.subscriptions.values()) {
            tree.subscribe(session.id.mountpoint(), session.id, sub);
        }
        expiry.after(session, expiresInMillis);
    }

    /** Expiry of the sessions offline here ({@link SessionExpiry}). */
    SessionExpiry expiry() {
        return expiry;
    }

    /** Removes {@code session} if it is still registered and offline; returns whether it was (its expiry). */
    synchronized boolean removeOffline(Session session) {
        return session.connection() == null && release(session);
    }

    /**
     * Runs {@code task} after {@code delay} on the timers; null once they stopped (the broker is
     * stopping: what the store keeps of the session counts its expiry and will again at the next start).
     */
    ScheduledFuture<?> schedule(String what, Runnable task, long delay, TimeUnit unit) {
        try {
            return timers.schedule(ThreadFailures.recovering(what, task), delay, unit);
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            return null;
        }
    }

    /** Removes a session's subscriptions, its route and its queue. Caller holds the registry lock. */
    private void drop(Session session) {
        router.removeTarget(session.id, session);
        if (session.durability() == Session.Durability.STORE) {
            session.durability(Session.Durability.MEMORY);
            durable.removeSession(session.id);
        }
        session.discard();
        for (String filter : session.subscriptions.keySet()) {
            tree.unsubscribe(session.id.mountpoint(), session.id, filter);
        }
        session.subscriptions.clear();
    }

    /** Sessions moving between this node and others. */
    public SessionHandover handover() {
        return handover;
    }

    // ---------------------------------------------------------------- moves (SessionHandover, Adoption)

    /** The session of {@code id} here, if any. */
    Session lookup(SubscriberId id) {
        return sessions.get(id);
    }

    /** Removes {@code session} with its subscriptions, route and stored copy. Caller holds the registry lock. */
    void remove(Session session) {
        if (sessions.remove(session.id, session)) {
            drop(session);
        }
    }

    /**
     * Takes {@code session} out of the registry for a move, keeping its subscriptions, its route
     * and its stored copy (messages still reach it) and stopping its expiry. Caller holds the lock.
     */
    void unregister(Session session) {
        sessions.remove(session.id, session);
        session.expiryTimer(null);
    }

    /** A session that did not move is this node's again, offline. Caller holds the registry lock. */
    void reinstate(Session session) {
        sessions.put(session.id, session);
        router.addTarget(session.id, session);
        expiry.after(session, session.expirySeconds() == Session.NEVER ? -1 : session.expirySeconds() * 1000L);
    }

    /** Drops a session already out of the registry, with its subscriptions and stored copy. Caller holds the lock. */
    void dropUnregistered(Session session) {
        drop(session);
    }

    /** Registers a session that moved here, offline, with its subscriptions. */
    void install(Session session, long expirySeconds) {
        synchronized (this) {
            handover.endForwarding(session.id);
            Session existing = sessions.get(session.id);
            if (existing != null) {
                sessions.remove(session.id, existing);
                drop(existing);
            }
            restore(session, expirySeconds == Session.NEVER ? -1 : expirySeconds * 1000L);
        }
    }

    /**
     * Publishes {@code will} after {@code delaySeconds} unless the client reconnects to the session
     * first ({@link DelayedWills}); a session in the durable store keeps {@code message}, the will, there too.
     */
    public void delayWill(Session session, long delaySeconds, Runnable will, Message message) {
        wills.delay(session, delaySeconds, will, message);
    }

    /**
     * Adds a subscription of {@code session}; returns whether it is new. A session that was
     * discarded (a clean-start takeover on another event loop) takes no more subscriptions: they
     * would land under the same identity as its successor's.
     */
    public boolean subscribe(Session session, TopicSubscription sub) {
        synchronized (session) {
            if (session.isDiscarded() || !maySubscribe(session, sub.filter())) {
                return false;
            }
            session.subscriptions.put(sub.filter(), sub);
            if (session.durability() == Session.Durability.STORE) {
                durable.putSubscription(session.id, sub);
            }
            return tree.subscribe(session.id.mountpoint(), session.id, sub);
        }
    }

    /**
     * Whether {@code session} may subscribe to {@code filter}: it already has it (a replacement),
     * or it holds fewer than {@code broker.max_subscriptions_per_client}.
     */
    public boolean maySubscribe(Session session, String filter) {
        return session.subscriptions.size() < settings.limits().maxSubscriptionsPerClient()
                || session.subscriptions.containsKey(filter);
    }

    /** Removes a subscription of {@code session}; returns whether it existed. */
    public boolean unsubscribe(Session session, String filter) {
        if (session.subscriptions.remove(filter) != null && session.durability() == Session.Durability.STORE) {
            durable.removeSubscription(session.id, filter);
        }
        return tree.unsubscribe(session.id.mountpoint(), session.id, filter);
    }

    /**
     * Disconnects the client {@code id} (vmq_api {@code disconnect_by_subscriber_id}); with
     * {@code cleanup} its session is discarded too, online or not. Returns whether a session existed.
     */
    public boolean disconnectClient(SubscriberId id, boolean cleanup) {
        Session session = sessions.get(id);
        if (session == null) {
            return false;
        }
        ClientConnection c = session.connection();
        if (cleanup) {
            synchronized (this) {
                release(session);
            }
        }
        if (c != null) {
            c.kick(cleanup);
        }
        return true;
    }

    /**
     * Re-runs {@code auth_on_subscribe[_m5]} for every stored subscription of {@code id} and keeps,
     * rewrites or removes each by the verdict ({@link SubscriptionReauthorization}). {@code username}
     * empty: the one the client connected with.
     *
     * @return when every verdict has been applied; at once if there is no such session
     */
    public CompletionStage<Void> reauthorizeSubscriptions(SubscriberId id, Optional<String> username) {
        return reauthorization.run(id, username);
    }

    /**
     * {@link #reauthorizeSubscriptions} without waiting, as the listener of an auth-cache change:
     * {@code authCache.onChange(sessions::subscriptionsMayHaveChanged)}. Quick and non-blocking:
     * it only queues the chains on the client's lane.
     */
    public void subscriptionsMayHaveChanged(SubscriberId id) {
        reauthorization.inBackground(id, Optional.empty());
    }

    /** {@link #reauthorizeSubscriptions} without waiting, as {@code username}. */
    public void subscriptionsMayHaveChanged(SubscriberId id, Optional<String> username) {
        reauthorization.inBackground(id, username);
    }

    /**
     * Asks every connected client to go: MQTT 5 clients get DISCONNECT "server shutting down"
     * (0x8B), the others are closed; wills and hooks fire as for any close.
     */
    public void disconnectAll() {
        for (Session s : sessions.values()) {
            ClientConnection c = s.connection();
            if (c != null) {
                c.shutdown();
            }
        }
    }

    @Override
    public void close() {
        timers.shutdownNow();
    }
}
