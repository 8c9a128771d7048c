package io.polyhook.broker.store;

/**
 * What the store reports to the broker's metrics, at one moment. The latencies of its writes and
 * fsyncs go to the {@link StoreLatencies} it was given ({@link BrokerStore#reportLatencies}).
 *
 * @param diskBytes      the store's files on disk (0 in memory)
 * @param queuedMessages messages in every session's queue
 * @param queuedBytes    their {@link StoredMessage#weight()}, what the byte limits count
 * @param writes         batches committed to the write-ahead log so far
 * @param syncs          fsyncs of the write-ahead log so far (0 in memory and with {@code sync: none})
 */
public record StoreMetrics(long diskBytes, long queuedMessages, long queuedBytes, long writes, long syncs) {
}
