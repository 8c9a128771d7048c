package io.polyhook.broker.connection;

import io.polyhook.broker.session.ByteBudget;

/**
 * What the messages waiting in an {@link Outbox} may hold in bytes.
 *
 * @param maxBytes this queue's bound ({@code broker.max_online_bytes}); a queue has room for one message whatever its size
 * @param total    the broker's budget over all queues ({@code broker.max_total_queued_bytes})
 */
record OutboxBudget(long maxBytes, ByteBudget total) {
    static OutboxBudget unbounded() {
        return new OutboxBudget(Long.MAX_VALUE, ByteBudget.unbounded());
    }
}
