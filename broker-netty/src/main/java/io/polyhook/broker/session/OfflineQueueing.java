package io.polyhook.broker.session;

import io.polyhook.broker.config.BrokerSettings;
import io.polyhook.broker.hookbridge.HookContexts;
import io.polyhook.broker.routing.Message;
import io.polyhook.broker.store.Appended;
import io.polyhook.broker.store.QueueLimits;
import io.polyhook.broker.sys.BrokerStats;
import io.polyhook.core.hook.internal.ClientLane;
import io.polyhook.core.hook.internal.HookDispatcher;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.SubscriberId;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * Where a message for an offline session goes: a persistent session's queue (in the durable
 * store, or on the heap without one), within its bounds, with {@code on_offline_message}; nowhere
 * for a clean session or a QoS 0 message.
 */
final class OfflineQueueing implements Session.OfflineDelivery {

    private final BrokerSettings settings;
    private final HookDispatcher dispatcher;
    private final BrokerStats stats;
    private final Supplier<DurableSessions> durable;

    OfflineQueueing(BrokerSettings settings, HookDispatcher dispatcher, BrokerStats stats,
                    Supplier<DurableSessions> durable) {
        this.settings = settings;
        this.dispatcher = dispatcher;
        this.stats = stats;
        this.durable = durable;
    }

    /**
     * Queues {@code m} for an offline session if it is persistent and the message QoS 1 or 2,
     * and fires {@code on_offline_message}.
     */
    @Override
    public void queue(Session session, Message m) {
        DurableSessions durable = this.durable.get();
        if (m.qos() > 0 && session.durability() == Session.Durability.STORE) {
            durable.append(session.id, m, limits(session), a -> stored(session, m, a));
            return;
        }
        if (m.qos() == 0 || !session.isPersistent()) {
            return;
        }
        switch (session.offerOrMove(m, session.maxOffline(settings.maxOfflineMessages()),
                settings.limits().maxOfflineBytes(), stats::messageDropped)) {
            case Session.Kept.QUEUED -> offlineMessage(session, m);
            case Session.Kept.DROPPED -> { }
            // Its heap queue went with a move (or the move committed): the new owner gets it.
            case Session.Moving(Surrender move) -> move.takeLate(m);
        }
    }

    private void offlineMessage(Session session, Message m) {
        if (dispatcher.has(Hooks.ON_OFFLINE_MESSAGE)) {
            ClientLane lane = session.lane();
            if (lane != null) {
                dispatcher.notify(lane, Hooks.ON_OFFLINE_MESSAGE, HookContexts.publish(session.version(),
                        session.id.mountpoint(), session.id.clientId(), Optional.empty(), m));
            }
        }
    }

    /** Once {@code m} is in the session's stored queue: to its connection, or {@code on_offline_message}. */
    private void stored(Session session, Message m, Appended appended) {
        countDrops(appended.dropped());
        Surrender surrender = session.surrender();
        if (surrender != null && (appended.queued() || appended.equals(Appended.NO_SESSION))
                && surrender.landedLate(m, appended.seq())) {
            // The session is moving: its batch committed after the last page was read.
            return;
        }
        if (!appended.queued()) {
            return;
        }
        OutboundJournal journal = session.journal();
        if (journal != null) {
            journal.routed(m, appended.seq(), appended.stored());
        } else {
            offlineMessage(session, m);
        }
    }

    void countDrops(int dropped) {
        for (int i = 0; i < dropped; i++) {
            stats.messageDropped();
        }
    }

    /**
     * The hold of a session handed over ({@code session}, null if it is gone: the broker's bounds),
     * in {@code queue}: the bounds and drop counting of its heap queue.
     */
    <T> HandoverHold<T> hold(SubscriberId id, Session session, String node, OfflineQueue<T> queue) {
        int max = session != null ? session.maxOffline(settings.maxOfflineMessages()) : settings.maxOfflineMessages();
        return new HandoverHold<>(id, node, queue, max, settings.limits().maxOfflineBytes(), stats::messageDropped);
    }

    /** The bounds of the session's stored queue: {@code max_offline_messages} and {@code max_offline_bytes}. */
    QueueLimits limits(Session session) {
        return new QueueLimits(Math.max(0, session.maxOffline(settings.maxOfflineMessages())),
                Math.max(0, settings.limits().maxOfflineBytes()));
    }
}
