package io.polyhook.broker.session;

/**
 * What a session's connecting and disconnecting write to the durable store: a persistent
 * session's record (and the journal its connection reads the stored queue through), the time it
 * went offline, and its removal when it stops being persistent.
 */
final class DurableLifecycle {

    private DurableLifecycle() {
    }

    /**
     * {@code connection} was attached to {@code session}: a persistent session is written (its
     * CONNACK follows once the record is in the write-ahead log) and gets a journal; one that is
     * no longer persistent leaves the store. Caller holds the registry lock.
     *
     * @return the journal of the connection, or null for a session that lives in memory
     */
    static OutboundJournal attached(DurableSessions durable, Session session, ClientConnection connection) {
        if (!session.isPersistent()) {
            if (session.durability() == Session.Durability.STORE) {
                session.durability(Session.Durability.MEMORY);
                durable.removeSession(session.id);
            }
            return null;
        }
        durable.putSession(session);
        for (var sub : session.subscriptions.values()) {
            // A session resumed from memory (persistence switched on meanwhile is not possible; a
            // session that was clean before this connect has none): cheap when there are none.
            if (session.durability() == Session.Durability.MEMORY) {
                durable.putSubscription(session.id, sub);
            }
        }
        session.durability(Session.Durability.STORE);
        OutboundJournal journal = new OutboundJournal(durable.store(), session.id, session.policy().lastInFirstOut(),
                connection.outbound());
        session.journal(journal);
        return journal;
    }

    /** The session's connection went away and the session lives on: its offline time is written. */
    static void detached(DurableSessions durable, Session session) {
        session.journal(null);
        durable.disconnected(session);
    }
}
