package io.polyhook.broker.cluster;

import io.polyhook.spi.SubscriberId;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** The broker's side of moving sessions between nodes; the cluster calls it on a cluster thread. */
public interface TakeoverHandler {

    /**
     * Another node claimed {@code id} ({@code newOwner}): close the local connection, if any,
     * with MQTT 5 reason 0x8E (session taken over; a plain close for MQTT 3), cancel its will as
     * for a takeover on one node, and give up the session. Returns its state unless
     * {@code cleanStart} (the session is then discarded); empty when there is no local session.
     * From the moment this is called, messages that still arrive here for {@code id} are the
     * new owner's: forward them with {@link DataPlane#send} keeping their ids.
     */
    CompletionStage<Optional<SessionState>> surrender(SubscriberId id, Claim newOwner, boolean cleanStart);

    /**
     * A node that leaves cleanly hands over an offline persistent session: install it here,
     * offline, owned under {@code claim}, with its subscriptions and queue.
     */
    CompletionStage<Void> adopt(Claim claim, SessionState state);
}
