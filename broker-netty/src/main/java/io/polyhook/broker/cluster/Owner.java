package io.polyhook.broker.cluster;

import java.util.Objects;

/**
 * Who holds a client id: a node and the epoch it claimed it with. Epochs of one client id only
 * grow; the epoch is the fencing number that refuses a former owner's writes.
 *
 * @param node  the owning node
 * @param epoch the epoch of the claim, 1 for the first
 */
public record Owner(String node, long epoch) {

    /** Checks the node is present and the epoch positive. */
    public Owner {
        Objects.requireNonNull(node, "node");
        if (epoch < 1) {
            throw new IllegalArgumentException("epoch must be positive");
        }
    }
}
