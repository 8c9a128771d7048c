package io.polyhook.broker.store;

import java.util.Objects;

/**
 * What the store reports to the broker's metrics, at one moment.
 *
 * @param diskBytes      the store's files on disk (0 in memory)
 * @param queuedMessages messages in every session's queue
 * @param queuedBytes    their {@link StoredMessage#weight()}, what the byte limits count
 * @param writes         the latency of committing a batch (the write-ahead log write, no fsync)
 * @param syncs          the latency of each fsync of the write-ahead log (empty in memory and with {@code sync: none})
 */
public record StoreMetrics(long diskBytes, long queuedMessages, long queuedBytes, LatencyHistogram.Snapshot writes,
                           LatencyHistogram.Snapshot syncs) {

    /** Checks the histograms are present. */
    public StoreMetrics {
        Objects.requireNonNull(writes, "writes");
        Objects.requireNonNull(syncs, "syncs");
    }
}
