package io.polyhook.broker.session;

import io.polyhook.spi.SubscriberId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * What reaches a session this node hands to another one on its own (a clean leave), kept here
 * until the new owner reads its queue. It stands in for the session's offline queue, so it is
 * that queue ({@link OfflineQueue}, same bounds, same drops): past the session's
 * {@code max_offline_messages} or {@code broker.max_offline_bytes} its oldest entries are dropped,
 * and while the broker's {@code max_total_queued_bytes} is spent the new one is; every drop is
 * counted as a queue drop, and only the first of a hold is logged. What it holds counts in the
 * broker's queued bytes until {@link #takeAll()} (passed on, or back into the session).
 * Thread-safe.
 *
 * @param <T> what it holds: a message with what travels with it
 */
public final class HandoverHold<T> {

    private static final Logger LOG = LoggerFactory.getLogger(HandoverHold.class);

    private final SubscriberId id;
    private final String node;
    private final OfflineQueue<T> queue;
    private final int maxMessages;
    private final long maxBytes;
    private final Runnable countDrop;
    private long dropped;

    HandoverHold(SubscriberId id, String node, OfflineQueue<T> queue, int maxMessages, long maxBytes,
                 Runnable countDrop) {
        this.id = id;
        this.node = node;
        this.queue = queue;
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
        this.countDrop = countDrop;
    }

    /** Keeps {@code entry} behind what is held, within the bounds (which may drop it, or the oldest). */
    public synchronized void add(T entry) {
        queue.add(entry, maxMessages, maxBytes, this::dropped);
    }

    private void dropped() {
        countDrop.run();
        if (dropped++ == 0) {
            LOG.warn("session {} is being handed to {}: what waits here for it reached the bounds of its queue "
                    + "(max_offline_messages {}, max_offline_bytes {}, or max_total_queued_bytes): messages for it "
                    + "are dropped and counted", id.clientId(), node, maxMessages, maxBytes);
        }
    }

    /** Takes everything held, oldest first, and gives its bytes back to the broker's budget. */
    public synchronized List<T> takeAll() {
        return queue.takeAll();
    }
}
