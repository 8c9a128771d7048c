package io.polyhook.broker.session;

import io.polyhook.broker.config.BrokerSettings;
import io.polyhook.broker.routing.Message;
import io.polyhook.broker.sys.BrokerStats;
import io.polyhook.core.hook.internal.ClientLane;
import io.polyhook.core.hook.internal.HookDispatcher;
import io.polyhook.spi.ClientContext;
import io.polyhook.spi.Hooks;

import java.util.List;

/**
 * A connection leaves its session: the session keeps what the connection left (persistent), ends
 * with it (not persistent), or, taken over by another connection meanwhile, passes it on to that
 * one, which resends the unacknowledged messages first. Under the registry's lock, so that a
 * connection attaching at the same time finds the session either before the detach or holding
 * all of it.
 */
final class SessionLeave {

    private final SessionRegistry registry;
    private final BrokerSettings settings;
    private final HookDispatcher dispatcher;
    private final BrokerStats stats;
    private final OfflineQueueing offlineDelivery;

    SessionLeave(SessionRegistry registry, BrokerSettings settings, HookDispatcher dispatcher, BrokerStats stats,
                 OfflineQueueing offlineDelivery) {
        this.registry = registry;
        this.settings = settings;
        this.dispatcher = dispatcher;
        this.stats = stats;
        this.offlineDelivery = offlineDelivery;
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
    void disconnected(Session session, ClientConnection connection, List<InFlight> inflight, List<Message> pending) {
        Left left;
        DurableSessions durable = registry.durable();
        durable.writePendingBurst();
        // Under the lock connect() attaches with, from the detach until the session holds what the connection
        // left: a connection attaching meanwhile took the session over before (and gets it below, as the
        // successor) or finds all of it in the session, never an attached session the rest is queued in.
        synchronized (registry) {
            left = leave(session, connection, inflight, pending, durable);
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
    private Left leave(Session session, ClientConnection connection, List<InFlight> inflight, List<Message> pending,
                       DurableSessions durable) {
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
                    pending.forEach(m -> session.offerOrMove(m, max, maxBytes, stats::messageDropped));
                }
            }
        }
        if (!persistent) {
            // It ends with its connection.
            registry.release(session);
            return Left.ENDED;
        }
        if (session.durability() == Session.Durability.STORE) {
            // Not under the session's lock (a store write), but before any later connect's record of the
            // session: the store never sees it offline while attached, nor clears a later connection's journal.
            DurableLifecycle.detached(durable, session);
        }
        if (session.expirySeconds() != Session.NEVER) {
            registry.expiry().after(session, session.expirySeconds() * 1000L);
        }
        return Left.KEPT;
    }
}
