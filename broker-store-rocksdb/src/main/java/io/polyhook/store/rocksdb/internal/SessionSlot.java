package io.polyhook.store.rocksdb.internal;

import io.polyhook.broker.store.QueueLedger;

/**
 * A stored session's number and the accounting of its queue.
 *
 * @param no     the number its records' keys start with
 * @param ledger its queue's accounting
 * @param queue  its committed queue, as the ledger reads it
 */
public record SessionSlot(long no, QueueLedger ledger, QueueView queue) {
}
