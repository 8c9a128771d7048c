package io.polyhook.cluster.infinispan.internal;

import io.polyhook.broker.cluster.DataPlane;

import java.util.concurrent.atomic.LongAdder;

/** The data plane's counters, shared by its links. */
final class Counters {
    final LongAdder sent = new LongAdder();
    final LongAdder received = new LongAdder();
    final LongAdder dropped = new LongAdder();
    final LongAdder frames = new LongAdder();
    final LongAdder bytes = new LongAdder();

    DataPlane.Stats snapshot() {
        return new DataPlane.Stats(sent.sum(), received.sum(), dropped.sum(), frames.sum(), bytes.sum());
    }
}
