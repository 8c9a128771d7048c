package io.polyhook.broker.cluster;

import io.polyhook.spi.SubscriberId;

import java.util.Objects;
import java.util.Optional;

/**
 * A successful claim of a client id ({@link SessionOwnership#claim}).
 *
 * @param id       the session identity
 * @param owner    this node and the new epoch
 * @param previous who held it before, if anyone: the node to take the session over from
 */
public record Claim(SubscriberId id, Owner owner, Optional<Owner> previous) {

    /** Checks every part is present. */
    public Claim {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(previous, "previous");
    }

    /** The epoch of this claim. */
    public long epoch() {
        return owner.epoch();
    }

    /** Whether another node held the client id before this claim. */
    public boolean takesOverFromAnotherNode() {
        return previous.isPresent() && !previous.get().node().equals(owner.node());
    }
}
