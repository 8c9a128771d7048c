package io.polyhook.broker.session;

import io.polyhook.broker.routing.Message;

import java.util.concurrent.TimeUnit;

/**
 * Will messages with a delay (MQTT 5 Will Delay Interval): published when the delay runs out,
 * unless the client returns to its session first (MQTT 5 §3.1.3.2.2); at once if the session
 * ends before the delay does, whether with its connection or at its expiry; never when another
 * connection or node took the session over. A will of a session in the durable store is kept
 * there too, so that a restart before the delay ends still publishes it.
 */
final class DelayedWills {

    private final SessionRegistry registry;

    DelayedWills(SessionRegistry registry) {
        this.registry = registry;
    }

    /**
     * Publishes {@code will} after {@code delaySeconds} unless the client reconnects to the
     * session first; at once if the session is not persistent. {@code message}, the will, is what
     * the durable store keeps of it (null: not kept).
     */
    void delay(Session session, long delaySeconds, Runnable will, Message message) {
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
        DurableSessions durable = registry.durable();
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
        session.pendingWill(will, registry.schedule("delayed will", fire, delaySeconds, TimeUnit.SECONDS));
    }

    /** The session expired: a will whose delay is longer than the session's life is published now. */
    void sessionEnded(Session session) {
        Runnable will = session.takePendingWill();
        if (will != null) {
            will.run();
        }
    }
}
