package io.polyhook.broker.session;

import io.polyhook.core.hook.internal.ClientLane;
import io.polyhook.core.hook.internal.HookDispatcher;
import io.polyhook.spi.ClientContext;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.SubscriberId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * An offline persistent session ends when its expiry interval runs out: it leaves the registry
 * with its subscriptions, route and stored copy, a delayed will still pending goes out, and
 * {@code on_session_expired} fires. A client that returns first stops the timer.
 */
final class SessionExpiry {

    private static final Logger LOG = LoggerFactory.getLogger(SessionExpiry.class);

    private final SessionRegistry registry;
    private final HookDispatcher dispatcher;
    private final DelayedWills wills;

    SessionExpiry(SessionRegistry registry, HookDispatcher dispatcher, DelayedWills wills) {
        this.registry = registry;
        this.dispatcher = dispatcher;
        this.wills = wills;
    }

    /** {@code session}, offline, expires in {@code millis} (none if negative). */
    void after(Session session, long millis) {
        if (millis >= 0) {
            session.expiryTimer(registry.schedule("session expiry", () -> expire(session), millis, TimeUnit.MILLISECONDS));
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
        if (!registry.removeOffline(session)) {
            return;
        }
        wills.sessionEnded(session);
        LOG.debug("session {} expired", session.id);
        if (dispatcher.has(Hooks.ON_SESSION_EXPIRED)) {
            ClientLane lane = session.lane() != null ? session.lane() : dispatcher.newLane(session.id.clientId());
            dispatcher.notify(lane, Hooks.ON_SESSION_EXPIRED,
                    new ClientContext(session.id.mountpoint(), session.id.clientId()));
        }
    }
}
