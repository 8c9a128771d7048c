package io.polyhook.broker.cluster;

import java.util.Objects;

/**
 * A message's identity in the cluster: the node that routed it first and a sequence number of
 * that node. The same message sent to several nodes, or forwarded after a takeover, keeps it, so
 * a receiver can drop a copy it already delivered.
 *
 * @param origin   the node that sent it first
 * @param sequence grows by one per message sent by {@code origin}
 */
public record MessageId(String origin, long sequence) {

    /** Checks the origin is present. */
    public MessageId {
        Objects.requireNonNull(origin, "origin");
    }
}
