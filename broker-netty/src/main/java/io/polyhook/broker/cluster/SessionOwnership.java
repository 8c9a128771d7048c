package io.polyhook.broker.cluster;

import io.polyhook.spi.Registration;
import io.polyhook.spi.SubscriberId;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Which node holds each client id, with an epoch per claim as a fencing number: a claim takes
 * the id at the previous epoch + 1, atomically, so two nodes never hold one id at one epoch, and
 * every write of a former owner (release, transfer, a late hand-over) is refused once a newer
 * claim exists. Failures complete the stage with a {@link ClusterException}.
 */
public interface SessionOwnership {

    /**
     * Claims {@code id} for this node. Fails with {@link ClusterException.Reason#UNAVAILABLE} when
     * registration is not allowed here (a minority side with {@code allow_register_during_netsplit: false}).
     */
    CompletionStage<Claim> claim(SubscriberId id);

    /**
     * At start-up, for the sessions {@code ids} of this node's durable store: claims each again
     * (the next epoch) unless another node holds it, in a few round trips however many there are.
     * The owner each has then: this node, or the node that claimed it meanwhile (the stored copy
     * is stale). An id the cluster could not answer for is left out. Fails with
     * {@link ClusterException.Reason#UNAVAILABLE} as {@link #claim} does.
     */
    CompletionStage<Map<SubscriberId, Owner>> reclaim(Collection<SubscriberId> ids);

    /** The current owner of {@code id}, if any. */
    CompletionStage<Optional<Owner>> owner(SubscriberId id);

    /**
     * Takes the session over from the previous owner of {@code claim} on another node: that node
     * closes the client's connection (0x8E) and hands over the session (none if
     * {@code cleanStart}), to be read here page by page. Empty when no other node held it, or when
     * that node is not in the view (crashed: its sessions are unavailable until it returns).
     * Fails with {@link ClusterException.Reason#STALE_CLAIM} if a newer claim exists.
     */
    CompletionStage<Optional<IncomingSession>> takeOver(Claim claim, boolean cleanStart);

    /** Gives up {@code claim} (a clean session ended). Refused ({@code false}) if a newer claim exists. */
    CompletionStage<Boolean> release(Claim claim);

    /**
     * Hands an offline session to node {@code to} (this node leaves cleanly): the target installs
     * it ({@link TakeoverHandler#adopt}, reading {@code session} page by page) under a new claim,
     * which is returned once the target has written it. Fails with
     * {@link ClusterException.Reason#STALE_CLAIM} if {@code claim} is no longer current; on any
     * failure the claim is this node's again and {@code session} stays here.
     */
    CompletionStage<Claim> transfer(Claim claim, String to, OutgoingSession session);

    /** Whether {@code claim} is still the current owner. */
    CompletionStage<Boolean> isCurrent(Claim claim);

    /** Registers the broker's handler for sessions other nodes take or hand over (one at a time). */
    Registration onTakeover(TakeoverHandler handler);
}
