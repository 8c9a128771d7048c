package io.polyhook.broker.config;

import java.time.Duration;

/**
 * What one client, and all of them together, may make the broker hold: queued messages,
 * subscriptions, retained messages and packets that are not finished yet. Every bound has a
 * default, so a broker with no config file is bounded too.
 *
 * @param maxOfflineBytes           bytes of messages an offline persistent session's queue may hold (oldest dropped, counted)
 * @param maxOnlineBytes            bytes of messages a connected client's outgoing queue may hold (a slow consumer past it)
 * @param maxTotalQueuedBytes       bytes of messages all those queues together may hold; past it a message that would
 *                                  be queued is dropped (counted)
 * @param maxSubscriptionsPerClient subscriptions one session may hold; more are refused in the SUBACK
 * @param maxRetainedMessages       retained messages over all mountpoints; a retained message for a new topic past it
 *                                  is routed but not kept
 * @param maxRetainedBytes          bytes of retained messages over all mountpoints, likewise
 * @param partialPacketTimeout      how long a client may take to finish an MQTT packet it has started to send
 * @param maxTotalPartialBytes      bytes of unfinished packets (as announced by their remaining length) over all
 *                                  connections; a connection whose packet would pass it is closed
 */
public record ResourceLimits(long maxOfflineBytes, long maxOnlineBytes, long maxTotalQueuedBytes,
                             int maxSubscriptionsPerClient, int maxRetainedMessages, long maxRetainedBytes,
                             Duration partialPacketTimeout, long maxTotalPartialBytes) {

    private static final long MIB = 1024 * 1024;

    /** The defaults: 16 MiB per queue, 25 % of the heap for all queues, 1000 subscriptions, ... */
    public static final ResourceLimits DEFAULT = new ResourceLimits(16 * MIB, 16 * MIB, ofHeap(25), 1000, 100_000,
            ofHeap(10), Duration.ofSeconds(60), ofHeap(10));

    /** {@code percent} % of the JVM's maximum heap ({@code -Xmx}), in bytes. */
    public static long ofHeap(int percent) {
        return Runtime.getRuntime().maxMemory() / 100 * percent;
    }

    /** These limits with other queue bounds, in bytes. */
    public ResourceLimits withQueuedBytes(long offline, long online, long total) {
        return new ResourceLimits(offline, online, total, maxSubscriptionsPerClient, maxRetainedMessages,
                maxRetainedBytes, partialPacketTimeout, maxTotalPartialBytes);
    }

    /** These limits with another bound on a client's subscriptions. */
    public ResourceLimits withMaxSubscriptionsPerClient(int value) {
        return new ResourceLimits(maxOfflineBytes, maxOnlineBytes, maxTotalQueuedBytes, value, maxRetainedMessages,
                maxRetainedBytes, partialPacketTimeout, maxTotalPartialBytes);
    }

    /** These limits with other bounds on the retained store. */
    public ResourceLimits withRetained(int messages, long bytes) {
        return new ResourceLimits(maxOfflineBytes, maxOnlineBytes, maxTotalQueuedBytes, maxSubscriptionsPerClient,
                messages, bytes, partialPacketTimeout, maxTotalPartialBytes);
    }

    /** These limits with other bounds on unfinished packets. */
    public ResourceLimits withPartialPackets(Duration timeout, long totalBytes) {
        return new ResourceLimits(maxOfflineBytes, maxOnlineBytes, maxTotalQueuedBytes, maxSubscriptionsPerClient,
                maxRetainedMessages, maxRetainedBytes, timeout, totalBytes);
    }
}
