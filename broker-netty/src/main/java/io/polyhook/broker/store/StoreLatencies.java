package io.polyhook.broker.store;

/**
 * Where a store reports how long its writes take, as they happen: the broker's metrics turn these
 * into latency histograms. Called on the writing threads (event loops, the fsync thread): an
 * implementation records and returns, it never blocks.
 */
public interface StoreLatencies {

    /** Reports nothing. */
    StoreLatencies NONE = new StoreLatencies() {
        @Override
        public void write(long nanos) {
        }

        @Override
        public void sync(long nanos) {
        }
    };

    /** A batch was committed to the write-ahead log (no fsync) in {@code nanos}: what a PUBACK waits for with {@code sync: batch}. */
    void write(long nanos);

    /** One fsync of the write-ahead log took {@code nanos}. */
    void sync(long nanos);
}
