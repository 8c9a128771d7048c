package io.polyhook.broker.session;

import io.polyhook.broker.config.BrokerSettings;
import io.polyhook.broker.failure.ThreadFailures;
import io.polyhook.broker.routing.Message;
import io.polyhook.broker.routing.RetainedStore;
import io.polyhook.broker.routing.SubscriptionTree;
import io.polyhook.broker.sys.BrokerStats;
import io.polyhook.core.hook.ChainOutcome;
import io.polyhook.core.hook.ClientLane;
import io.polyhook.core.hook.HookDispatcher;
import io.polyhook.provider.authcache.AuthCache;
import io.polyhook.spi.ChainHook;
import io.polyhook.spi.ClientContext;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.MqttVersion;
import io.polyhook.spi.PublishContext;
import io.polyhook.spi.Registration;
import io.polyhook.spi.SubscribeContext;
import io.polyhook.spi.SharedSubscriptionPolicy;
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
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Every session of the broker by identity, and the routing of admitted messages to them:
 * retained store, subscription tree, then each matching session (online: its connection's
 * event loop; offline and persistent: its queue).
 */
@Singleton
public final class SessionRegistry implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SessionRegistry.class);

    private final Map<SubscriberId, Session> sessions = new ConcurrentHashMap<>();
    private final BrokerSettings settings;
    private final HookDispatcher dispatcher;
    private final SubscriptionTree tree;
    private final RetainedStore retained;
    private final BrokerStats stats;
    private final ByteBudget queuedBytes;
    private Registration authCacheWatch;
    // One small platform thread for session-expiry and will-delay timers; the tasks only take locks.
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "polyhook-timers");
        t.setDaemon(true);
        return t;
    });

    /** A registry routing with {@code tree} and {@code retained}, calling hooks through {@code dispatcher}. */
    @Inject
    public SessionRegistry(BrokerSettings settings, HookDispatcher dispatcher, SubscriptionTree tree,
                           RetainedStore retained, BrokerStats stats) {
        this.queuedBytes = new ByteBudget(settings.limits().maxTotalQueuedBytes());
        this.stats = stats;
        this.settings = settings;
        this.dispatcher = dispatcher;
        this.tree = tree;
        this.retained = retained;
    }

    /**
     * Re-authorizes a client's live subscriptions whenever the auth cache's answers for it
     * change, if the injector has an {@link AuthCache}.
     */
    @com.google.inject.Inject(optional = true)
    void watch(AuthCache cache) {
        authCacheWatch = cache.onChange(this::subscriptionsMayHaveChanged);
    }

    BrokerSettings settings() {
        return settings;
    }

    HookDispatcher dispatcher() {
        return dispatcher;
    }

    SubscriptionTree tree() {
        return tree;
    }

    RetainedStore retained() {
        return retained;
    }

    BrokerStats stats() {
        return stats;
    }

    ScheduledExecutorService timers() {
        return timers;
    }

    /** What all queues hold together, against {@code broker.max_total_queued_bytes}. */
    public ByteBudget queuedBytes() {
        return queuedBytes;
    }

    /** The number of sessions, online or offline. */
    public int size() {
        return sessions.size();
    }

    /** Whether a session exists for {@code id}. */
    public boolean contains(SubscriberId id) {
        return sessions.containsKey(id);
    }

    /** What {@link #connect} found and did. */
    record Attached(Session session, boolean sessionPresent, ConnectionHandler previous, List<Message> queued,
                    List<InFlight> resend) {
    }

    /**
     * Binds {@code handler} to the session of {@code id}: takes the session over from another
     * connection, starts it afresh ({@code cleanStart}) or resumes it.
     */
    synchronized Attached connect(SubscriberId id, boolean cleanStart, long expiry, ConnectionHandler handler,
                                  ClientLane lane, MqttVersion version, QueuePolicy policy, Optional<String> username,
                                  boolean maySubscribe) {
        Session existing = sessions.get(id);
        ConnectionHandler previous = null;
        boolean present = false;
        Session session;
        if (existing != null) {
            previous = existing.takeOver();
        }
        if (existing != null && !cleanStart) {
            session = existing;
            present = true;
        } else {
            if (existing != null) {
                drop(existing);
            }
            session = new Session(id, queuedBytes);
            sessions.put(id, session);
        }
        session.policy(policy.maxOfflineMessages(), policy.lastInFirstOut(), policy.upgradeQos());
        session.client(username, maySubscribe);
        List<Message> queued = session.attach(handler, expiry, lane, version);
        return new Attached(session, present, previous, queued, session.takeInFlight());
    }

    /**
     * The connection of {@code session} went away. {@code inflight} are its QoS 1/2 messages
     * that were sent and not fully acknowledged, {@code pending} those that never went out; both
     * go back to the session.
     */
    void disconnected(Session session, ConnectionHandler handler, List<InFlight> inflight, List<Message> pending) {
        if (!session.detach(handler)) {
            // Taken over: the session lives on with another connection, which resends the
            // unacknowledged ones with their packet ids (the client may have them half-done) and
            // then sends the ones that never went out.
            if (!session.isDiscarded()) {
                ConnectionHandler successor = session.connection();
                if (successor != null) {
                    successor.resendTakenOver(inflight);
                } else {
                    session.keepInFlight(inflight);
                }
                pending.forEach(m -> offer(session, m));
            }
            return;
        }
        ClientLane lane = session.lane();
        ClientContext ctx = null;
        if (session.isPersistent()) {
            session.keepInFlight(inflight);
            int max = session.maxOffline(settings.maxOfflineMessages());
            long maxBytes = settings.limits().maxOfflineBytes();
            pending.forEach(m -> session.enqueue(m, max, maxBytes, stats::messageDropped));
            long expiry = session.expirySeconds();
            if (expiry != Session.NEVER) {
                session.expiryTimer(timers.schedule(ThreadFailures.recovering("session expiry", () -> expire(session)),
                        expiry, TimeUnit.SECONDS));
            }
            if (dispatcher.has(Hooks.ON_CLIENT_OFFLINE)) {
                ctx = new ClientContext(session.id.mountpoint(), session.id.clientId());
                dispatcher.notify(lane, Hooks.ON_CLIENT_OFFLINE, ctx);
            }
        } else {
            synchronized (this) {
                if (sessions.remove(session.id, session)) {
                    drop(session);
                }
            }
            if (dispatcher.has(Hooks.ON_CLIENT_GONE)) {
                ctx = new ClientContext(session.id.mountpoint(), session.id.clientId());
                dispatcher.notify(lane, Hooks.ON_CLIENT_GONE, ctx);
            }
        }
    }

    private void expire(Session session) {
        synchronized (this) {
            if (session.connection() != null || !sessions.remove(session.id, session)) {
                return;
            }
            drop(session);
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

    /** Removes a session's subscriptions and forgets its queue. Caller holds the registry lock. */
    private void drop(Session session) {
        session.discard();
        for (String filter : session.subscriptions.keySet()) {
            tree.unsubscribe(session.id.mountpoint(), session.id, filter);
        }
        session.subscriptions.clear();
    }

    /**
     * Publishes {@code will} after {@code delaySeconds} unless the client reconnects to the
     * session first; at once if the session is not persistent.
     */
    void delayWill(Session session, long delaySeconds, Runnable will) {
        if (session.isDiscarded() || !session.isPersistent()) {
            // The session ends now, which comes before the delay.
            will.run();
            return;
        }
        if (session.connection() != null) {
            // Taken over by a connection to the same session: "MUST NOT send the Will Message".
            return;
        }
        Runnable fire = () -> {
            Runnable w = session.takePendingWill();
            if (w != null) {
                w.run();
            }
        };
        session.pendingWill(will, timers.schedule(ThreadFailures.recovering("delayed will", fire), delaySeconds,
                TimeUnit.SECONDS));
    }

    /**
     * Adds a subscription of {@code session}; returns whether it is new. A session that was
     * discarded (a clean-start takeover on another event loop) takes no more subscriptions: they
     * would land under the same identity as its successor's.
     */
    boolean subscribe(Session session, TopicSubscription sub) {
        synchronized (session) {
            if (session.isDiscarded() || !maySubscribe(session, sub.filter())) {
                return false;
            }
            session.subscriptions.put(sub.filter(), sub);
            return tree.subscribe(session.id.mountpoint(), session.id, sub);
        }
    }

    /**
     * Whether {@code session} may subscribe to {@code filter}: it already has it (a replacement),
     * or it holds fewer than {@code broker.max_subscriptions_per_client}.
     */
    boolean maySubscribe(Session session, String filter) {
        return session.subscriptions.size() < settings.limits().maxSubscriptionsPerClient()
                || session.subscriptions.containsKey(filter);
    }

    /** Removes a subscription of {@code session}; returns whether it existed. */
    boolean unsubscribe(Session session, String filter) {
        session.subscriptions.remove(filter);
        return tree.unsubscribe(session.id.mountpoint(), session.id, filter);
    }

    /**
     * Routes an admitted message in {@code mountpoint}: stores it if retained, then offers it to
     * every matching session with the QoS and options of its subscription.
     */
    public void publish(String mountpoint, Message message) {
        publish(mountpoint, message, null);
    }

    /** As {@link #publish(String, Message)}; {@code from}, if given, pauses on congested subscribers. */
    void publish(String mountpoint, Message message, ConnectionHandler from) {
        if (message.retain()) {
            retained.retain(mountpoint, message);
        }
        SubscriptionTree.Matches matches = tree.matchAll(mountpoint, message.topic());
        if (matches.isEmpty()) {
            return;
        }
        // forEach, not an entry iterator: no entry object per subscriber.
        matches.subscribers().forEach((id, sub) -> {
            Session session = sessions.get(id);
            if (session != null && !(sub.options().noLocal()
                    && message.publisher().filter(id.clientId()::equals).isPresent())) {
                stallIfCongested(from, deliverTo(session, sub, matches.subscriptionIdsOf(id, sub), message));
            }
        });
        SharedSubscriptionPolicy policy = from != null && from.sharedSubscriptionPolicy() != null
                ? from.sharedSubscriptionPolicy() : settings.delivery().sharedSubscriptionPolicy();
        for (Map<SubscriberId, TopicSubscription> group : matches.shared().values()) {
            Map.Entry<Session, TopicSubscription> member = pickSharedMember(group, policy);
            if (member != null) {
                TopicSubscription sub = member.getValue();
                stallIfCongested(from, deliverTo(member.getKey(), sub, SubscriptionTree.Matches.idsOf(sub), message));
            }
        }
    }

    /** Offers the message as {@code sub} gets it, with {@code ids}; returns the connection it went to, if online. */
    private ConnectionHandler deliverTo(Session session, TopicSubscription sub, List<Integer> ids, Message message) {
        int qos = session.upgradeQos() ? sub.qos() : Math.min(message.qos(), sub.qos());
        boolean retain = sub.options().retainAsPublished() && message.retain();
        return offer(session, message.forDelivery(qos, retain, ids));
    }

    /** A publisher whose message went to a subscriber that stays behind stops reading for a while. */
    private static void stallIfCongested(ConnectionHandler from, ConnectionHandler to) {
        if (from != null && to != null && to.congested()) {
            from.stallOn(to);
        }
    }

    /**
     * One member of a shared group for one message (MQTT 5 §4.8.2): a random online member, or,
     * if none is online, a random offline persistent one, whose queue keeps it.
     *
     * <p>{@code policy} is the publisher's shared_subscription_policy. VerneMQ's policies differ
     * only in which cluster nodes' members they consider, and each then tries online members
     * before offline ones; this broker is one node, every member is local, so all four policies
     * choose as above. They are accepted so VerneMQ configurations and scripts run unchanged.
     */
    private Map.Entry<Session, TopicSubscription> pickSharedMember(Map<SubscriberId, TopicSubscription> group,
                                                                   SharedSubscriptionPolicy policy) {
        List<Map.Entry<Session, TopicSubscription>> online = new ArrayList<>(group.size());
        List<Map.Entry<Session, TopicSubscription>> offline = new ArrayList<>(0);
        group.forEach((id, sub) -> {
            Session s = sessions.get(id);
            if (s != null) {
                (s.connection() != null ? online : offline).add(Map.entry(s, sub));
            }
        });
        List<Map.Entry<Session, TopicSubscription>> from = online.isEmpty() ? offline : online;
        return from.isEmpty() ? null : from.get(ThreadLocalRandom.current().nextInt(from.size()));
    }

    /**
     * Hands {@code m} to the session's connection, or queues it if the session is offline and
     * persistent; returns the connection it went to, if any.
     */
    ConnectionHandler offer(Session session, Message m) {
        ConnectionHandler c = session.connection();
        if (c != null) {
            c.deliver(m);
            return c;
        }
        if (m.qos() == 0 || !session.isPersistent()) {
            return null;
        }
        if (session.enqueue(m, session.maxOffline(settings.maxOfflineMessages()), settings.limits().maxOfflineBytes(),
                stats::messageDropped)
                && dispatcher.has(Hooks.ON_OFFLINE_MESSAGE)) {
            ClientLane lane = session.lane();
            if (lane != null) {
                dispatcher.notify(lane, Hooks.ON_OFFLINE_MESSAGE, new PublishContext(session.version(),
                        session.id.mountpoint(), session.id.clientId(), Optional.empty(), m.topic(), m.qos(),
                        m.payload(), m.retain(), m.properties()));
            }
        }
        return null;
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
        ConnectionHandler c = session.connection();
        if (cleanup) {
            synchronized (this) {
                if (sessions.remove(id, session)) {
                    drop(session);
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
        ChainHook<SubscribeContext, SubscribeModifiers> hook = version.isMqtt5()
                ? Hooks.AUTH_ON_SUBSCRIBE_M5 : Hooks.AUTH_ON_SUBSCRIBE;
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
        boolean keep = switch (outcome) {
            case ChainOutcome.Allowed<SubscribeModifiers> ok -> {
                if (ok.modifiers().isEmpty()) {
                    yield true;
                }
                // A rewrite replaces the filter with what the handler returned (rejected entries: nothing).
                unsubscribe(session, sub.filter());
                for (TopicSubscription t : ok.modifiers().get().topics()) {
                    if (!t.isRejected()) {
                        subscribe(session, t);
                    }
                }
                yield true;
            }
            case ChainOutcome.Exhausted<SubscribeModifiers> ex -> settings.noMatch().allows(ex);
            case ChainOutcome.Denied<SubscribeModifiers> denied -> false;
            case ChainOutcome.Failed<SubscribeModifiers> failed -> false;
        };
        if (!keep) {
            LOG.debug("subscription {} of {} no longer authorized: removed", sub.filter(), session.id);
            unsubscribe(session, sub.filter());
        }
    }

    /**
     * A new protocol handler for one connection of {@code listener}: the last handler of the
     * channel pipeline, after the MQTT codec.
     */
    public io.netty.channel.ChannelHandler newConnection(io.polyhook.broker.config.ListenerConfig listener) {
        return new ConnectionHandler(this, listener);
    }

    /**
     * Asks every connected client to go: MQTT 5 clients get DISCONNECT "server shutting down"
     * (0x8B), the others are closed; wills and hooks fire as for any close.
     */
    public void disconnectAll() {
        online().forEach(ConnectionHandler::shutdown);
    }

    /** The currently connected handlers, for a graceful shutdown. */
    List<ConnectionHandler> online() {
        List<ConnectionHandler> out = new ArrayList<>();
        for (Session s : sessions.values()) {
            ConnectionHandler c = s.connection();
            if (c != null) {
                out.add(c);
            }
        }
        return out;
    }

    @Override
    public void close() {
        if (authCacheWatch != null) {
            authCacheWatch.close();
        }
        timers.shutdownNow();
    }
}
