package io.polyhook.broker.session;

import io.polyhook.broker.config.BrokerSettings;
import io.polyhook.broker.failure.ThreadFailures;
import io.polyhook.broker.hookbridge.ProtocolHooks;
import io.polyhook.broker.hookbridge.ReasonCodes;
import io.polyhook.broker.routing.Message;
import io.polyhook.broker.routing.Router;
import io.polyhook.broker.routing.SubscriptionTree;
import io.polyhook.broker.sys.BrokerStats;
import io.polyhook.broker.sys.SessionCount;
import io.polyhook.core.hook.ChainOutcome;
import io.polyhook.core.hook.internal.ClientLane;
import io.polyhook.core.hook.internal.HookDispatcher;
import io.polyhook.spi.ChainHook;
import io.polyhook.spi.ClientContext;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.MqttVersion;
import io.polyhook.spi.SubscribeContext;
import io.polyhook.spi.SubscribeModifiers;
import io.polyhook.spi.SubscriberId;
import io.polyhook.spi.TopicSubscription;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Every session of the broker by identity: attaching a connection to its session (taking it over
 * from another one, starting afresh or resuming), detaching it, session expiry, delayed wills, the
 * offline queues, subscriptions and their re-authorization. Each session is its identity's
 * {@link io.polyhook.broker.routing.DeliveryTarget} in the {@link Router}.
 */
@Singleton
public final class SessionRegistry implements SessionCount, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SessionRegistry.class);

    private final Map<SubscriberId, Session> sessions = new ConcurrentHashMap<>();
    private final BrokerSettings settings;
    private final HookDispatcher dispatcher;
    private final Router router;
    private final SubscriptionTree tree;
    private final BrokerStats stats;
    private final ByteBudget queuedBytes;
    private final OfflineQueueing offlineDelivery;
    private DurableSessions durable = new DurableSessions(Optional.empty());
    private volatile ClusterSeam cluster = ClusterSeam.SINGLE_NODE;
    private final SessionHandover handover = new SessionHandover(this);
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
        this.stats = stats;
        this.settings = settings;
        this.dispatcher = dispatcher;
        this.router = router;
        this.tree = router.tree();
        this.offlineDelivery = new OfflineQueueing(settings, dispatcher, stats, this::durable);
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

    /** What became of a session whose connection went away. */
    private enum Left {
        /** Another connection had taken it over: what the old one left goes to that one. */
        TAKEN_OVER,
        /** Offline, persistent: it keeps what the connection left for the next one. */
        KEPT,
        /** Not persistent: it ended with its connection. */
        ENDED
    }

    /**
     * The connection of {@code session} went away. {@code inflight} are its QoS 1/2 messages
     * that were sent and not fully acknowledged, {@code pending} those that never went out; both
     * go back to the session.
     */
    public void disconnected(Session session, ClientConnection connection, List<InFlight> inflight,
                             List<Message> pending) {
        Left left;
        durable.writePendingBurst();
        // Under the lock connect() attaches with, from the detach until the session holds what the connection
        // left: a connection attaching meanwhile took the session over before (and gets it below, as the
        // successor) or finds all of it in the session, never an attached session the rest is queued in.
        synchronized (this) {
            left = leave(session, connection, inflight, pending);
        }
        ClientLane lane = session.lane();
        switch (left) {
            case TAKEN_OVER -> {
                // The session lives on with another connection, which resends the unacknowledged
                // ones with their packet ids (the client may have them half-done) and then sends
                // the ones that never went out.
                if (!session.isDiscarded()) {
                    ClientConnection successor = session.connection();
                    if (successor != null) {
                        successor.resendTakenOver(inflight, pending);
                    } else {
                        session.keepInFlight(inflight);
                        pending.forEach(session::deliver);
                    }
                }
                session.connectionReturned();
            }
            case KEPT -> {
                if (session.durability() == Session.Durability.STORE) {
                    // Appends to the stored queue, which the next connection's journal reads whenever it attaches.
                    pending.forEach(m -> durable.append(session.id, m, offlineDelivery.limits(session),
                            a -> offlineDelivery.countDrops(a.dropped())));
                }
                if (dispatcher.has(Hooks.ON_CLIENT_OFFLINE)) {
                    dispatcher.notify(lane, Hooks.ON_CLIENT_OFFLINE, new ClientContext(session.id.mountpoint(),
                            session.id.clientId()));
                }
            }
            case ENDED -> {
                if (dispatcher.has(Hooks.ON_CLIENT_GONE)) {
                    dispatcher.notify(lane, Hooks.ON_CLIENT_GONE, new ClientContext(session.id.mountpoint(),
                            session.id.clientId()));
                }
            }
        }
    }

    /** Detaches {@code connection} and keeps (or ends) the session. Caller holds the registry lock. */
    private Left leave(Session session, ClientConnection connection, List<InFlight> inflight, List<Message> pending) {
        boolean persistent;
        // The session's lock too: a message routed to it now queues behind those the connection left.
        synchronized (session) {
            if (!session.detach(connection)) {
                return Left.TAKEN_OVER;
            }
            persistent = session.isPersistent();
            if (persistent) {
                session.keepInFlight(inflight);
                if (session.durability() == Session.Durability.MEMORY) {
                    int max = session.maxOffline(settings.maxOfflineMessages());
                    long maxBytes = settings.limits().maxOfflineBytes();
                    pending.forEach(m -> session.enqueue(m, max, maxBytes, stats::messageDropped));
                }
            }
        }
        if (!persistent) {
            // It ends with its connection.
            if (sessions.remove(session.id, session)) {
                drop(session);
                cluster.released(session.id);
            }
            return Left.ENDED;
        }
        if (session.durability() == Session.Durability.STORE) {
            // Not under the session's lock (a store write), but before any later connect's record of the
            // session: the store never sees it offline while attached, nor clears a later connection's journal.
            DurableLifecycle.detached(durable, session);
        }
        long expiry = session.expirySeconds();
        if (expiry != Session.NEVER) {
            session.expiryTimer(schedule("session expiry", () -> expire(session), expiry, TimeUnit.SECONDS));
        }
        return Left.KEPT;
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
        expireLater(session, expiresInMillis);
    }

    private void expireLater(Session session, long expiresInMillis) {
        if (expiresInMillis >= 0) {
            session.expiryTimer(schedule("session expiry", () -> expire(session), expiresInMillis, TimeUnit.MILLISECONDS));
        }
    }

    /** A session found expired at start-up was removed from the store: {@code on_session_expired}. */
    void expiredWhileDown(SubscriberId id) {
        LOG.debug("session {} expired while the broker was down", id);
        if (dispatcher.has(Hooks.ON_SESSION_EXPIRED)) {
            dispatcher.notify(dispatcher.newLane(id.clientId()), Hooks.ON_SESSION_EXPIRED,
                    new ClientContext(id.mountpoint(), id.clientId()));
        }
    }

    private void expire(Session session) {
        synchronized (this) {
            if (session.connection() != null || !sessions.remove(session.id, session)) {
                return;
            }
            drop(session);
            cluster.released(session.id);
        }
        // A will whose delay is longer than the session's life is published when the session ends.
        Runnable will = session.takePendingWill();
        if (will != null) {
            will.run();
        }
        LOG.debug("session {} expired", session.id);
        if (dispatcher.has(Hooks.ON_SESSION_EXPIRED)) {
            ClientLane lane = session.lane() != null ? session.lane() : dispatcher.newLane(session.id.clientId());
            dispatcher.notify(lane, Hooks.ON_SESSION_EXPIRED,
                    new ClientContext(session.id.mountpoint(), session.id.clientId()));
        }
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
        expireLater(session, session.expirySeconds() == Session.NEVER ? -1 : session.expirySeconds() * 1000L);
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
     * Publishes {@code will} after {@code delaySeconds} unless the client reconnects to the
     * session first; at once if the session is not persistent.
     */
    public void delayWill(Session session, long delaySeconds, Runnable will) {
        delayWill(session, delaySeconds, will, null);
    }

    /**
     * As {@link #delayWill(Session, long, Runnable)}; a session in the durable store keeps
     * {@code message}, the will, there too, so that a restart before the delay ends still publishes it.
     */
    public void delayWill(Session session, long delaySeconds, Runnable will, Message message) {
        if (session.movesWithState()) {
            // Taken over by another node, which resumes the session: as for a takeover here, no will.
            return;
        }
        if (session.isDiscarded() || !session.isPersistent()) {
            // The session ends now, which comes before the delay.
            will.run();
            return;
        }
        if (session.connection() != null) {
            // Taken over by a connection to the same session: "MUST NOT send the Will Message".
            return;
        }
        boolean stored = message != null && session.durability() == Session.Durability.STORE;
        if (stored) {
            // Before the timer: a broker shutting down meanwhile (timers stopped) still has it after its restart.
            durable.putWill(session.id, message, delaySeconds);
        }
        Runnable fire = () -> {
            Runnable w = session.takePendingWill();
            if (w != null) {
                if (stored) {
                    durable.removeWill(session.id);
                }
                w.run();
            }
        };
        session.pendingWill(will, schedule("delayed will", fire, delaySeconds, TimeUnit.SECONDS));
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
                if (sessions.remove(id, session)) {
                    drop(session);
                    cluster.released(id);
                }
            }
        }
        if (c != null) {
            c.kick(cleanup);
        }
        return true;
    }

    /**
     * Re-runs {@code auth_on_subscribe[_m5]} for every stored subscription of {@code id}, one
     * filter at a time with empty properties, and keeps, rewrites or removes each by the verdict
     * (vmq_api {@code reauthorize_subscriptions}; also what an auth-cache change triggers). The
     * chains run on the client's lane, after whatever it is doing. {@code username} empty: the
     * one the client connected with.
     *
     * @return when every verdict has been applied; at once if there is no such session
     */
    public CompletionStage<Void> reauthorizeSubscriptions(SubscriberId id, Optional<String> username) {
        Session session = sessions.get(id);
        if (session == null || session.subscriptions.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        MqttVersion version = session.version();
        ChainHook<SubscribeContext, SubscribeModifiers> hook = ProtocolHooks.of(version).authOnSubscribe();
        Optional<String> user = username.isPresent() ? username : session.username();
        boolean denyAll = !session.maySubscribe() || (!dispatcher.has(hook) && !settings.noMatch().allowsUnhandled());
        if (!denyAll && !dispatcher.has(hook)) {
            return CompletableFuture.completedFuture(null);
        }
        ClientLane lane = session.lane() != null ? session.lane() : dispatcher.newLane(id.clientId());
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (TopicSubscription sub : List.copyOf(session.subscriptions.values())) {
            if (denyAll) {
                unsubscribe(session, sub.filter());
                continue;
            }
            SubscribeContext ctx = new SubscribeContext(version, id.mountpoint(), id.clientId(), user, List.of(sub),
                    io.polyhook.spi.MqttProperties.EMPTY);
            all.add(dispatcher.chain(lane, hook, ctx).thenAccept(outcome -> applyReauthorization(session, sub, outcome))
                    .toCompletableFuture());
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    /**
     * {@link #reauthorizeSubscriptions} without waiting, as the listener of an auth-cache change:
     * {@code authCache.onChange(sessions::subscriptionsMayHaveChanged)}. Quick and non-blocking:
     * it only queues the chains on the client's lane.
     */
    public void subscriptionsMayHaveChanged(SubscriberId id) {
        subscriptionsMayHaveChanged(id, Optional.empty());
    }

    /** {@link #reauthorizeSubscriptions} without waiting, as {@code username}. */
    public void subscriptionsMayHaveChanged(SubscriberId id, Optional<String> username) {
        reauthorizeSubscriptions(id, username).exceptionally(e -> {
            LOG.warn("re-authorizing the subscriptions of {} failed: {}", id, e.toString());
            return null;
        });
    }

    private void applyReauthorization(Session session, TopicSubscription sub, ChainOutcome<SubscribeModifiers> outcome) {
        if (ReasonCodes.ofAuthorization(outcome, settings.noMatch()) != null) {
            LOG.debug("subscription {} of {} no longer authorized: removed", sub.filter(), session.id);
            unsubscribe(session, sub.filter());
            return;
        }
        if (outcome instanceof ChainOutcome.Allowed<SubscribeModifiers> ok && ok.modifiers().isPresent()) {
            // A rewrite replaces the filter with what the handler returned (rejected entries: nothing).
            unsubscribe(session, sub.filter());
            for (TopicSubscription t : ok.modifiers().get().topics()) {
                if (!t.isRejected()) {
                    subscribe(session, t);
                }
            }
        }
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
