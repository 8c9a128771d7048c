package io.polyhook.broker.cluster;

import io.polyhook.spi.SubscriberId;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** The broker's side of moving sessions between nodes; the cluster calls it on a cluster thread. */
public interface TakeoverHandler {

    /**
     * Another node claimed {@code id} ({@code newOwner}): close the local connection, if any,
     * with MQTT 5 reason 0x8E (session taken over; a plain close for MQTT 3), cancel its will as
     * for a takeover on one node, and give up the session. Returns it for the new owner to read
     * (state, then the queue page by page; this node's copy stays until the new owner committed
     * it) unless {@code cleanStart} (the session is then discarded); empty when there is no local
     * session. Messages that still arrive here for {@code id} once its queue has been read are the
     * new owner's: forward them with {@link DataPlane#forward} keeping their ids.
     */
    CompletionStage<Optional<OutgoingSession>> surrender(SubscriberId id, Claim newOwner, boolean cleanStart);

    /**
     * A node that leaves cleanly hands over an offline persistent session: read it (its queue page
     * by page), write it here, offline, owned under {@code claim}, then tell the previous owner
     * ({@link IncomingSession#committed()}). Completes once the session is installed here.
     */
    CompletionStage<Void> adopt(Claim claim, IncomingSession session);
}
