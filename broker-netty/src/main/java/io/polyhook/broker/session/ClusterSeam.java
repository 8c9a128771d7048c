package io.polyhook.broker.session;

import io.polyhook.spi.SubscriberId;

import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * Where a cluster plugs into the sessions of this node: a CONNECT claims its client id first
 * (taking the session over from another node if it is there), a session that ends gives its
 * claim up, and a netsplit may refuse what a client asks for. {@link #SINGLE_NODE} is the broker
 * without a cluster, at the cost of a field read.
 */
public interface ClusterSeam {

    /** No cluster: every client id is this node's, and nothing is refused. */
    ClusterSeam SINGLE_NODE = new ClusterSeam() {
        @Override
        public CompletionStage<Void> claim(SubscriberId id, boolean cleanStart) {
            return null;
        }

        @Override
        public void released(SubscriberId id) {
        }

        @Override
        public boolean allowsSubscribe() {
            return true;
        }

        @Override
        public boolean allowsPublish() {
            return true;
        }

        @Override
        public boolean disconnectElsewhere(SubscriberId id, boolean cleanup) {
            return false;
        }

        @Override
        public void reauthorizeElsewhere(SubscriberId id, Optional<String> username) {
        }
    };

    /**
     * Claims {@code id} for this node before its session is attached. Completes once the id is
     * this node's, with what another node held of the session installed here (offline, to be
     * resumed by the attach that follows); fails when the claim is refused (a netsplit with
     * {@code allow_register_during_netsplit: false}, or the cluster did not answer). Null when
     * there is nothing to wait for: attach at once.
     */
    CompletionStage<Void> claim(SubscriberId id, boolean cleanStart);

    /**
     * At start-up, before the listeners bind: which of the sessions {@code ids} found in the
     * durable store another node claimed meanwhile (its owner epoch moved on). Their stored copies
     * are stale and are dropped; this node claims the others again, the whole batch in a few
     * round trips. May block on the cluster.
     */
    default Set<SubscriberId> staleRecovered(Collection<SubscriberId> ids) {
        return Set.of();
    }

    /** The session of {@code id} ended on this node (a clean session, expiry, an administrator). */
    void released(SubscriberId id);

    /** Whether SUBSCRIBE and UNSUBSCRIBE are served now ({@code allow_subscribe_during_netsplit}). */
    boolean allowsSubscribe();

    /** Whether PUBLISH is served now ({@code allow_publish_during_netsplit}). */
    boolean allowsPublish();

    /**
     * vmq_api {@code disconnect_by_subscriber_id} on the other nodes: waits (a bounded time) for
     * their answers; whether one of them held the client.
     */
    boolean disconnectElsewhere(SubscriberId id, boolean cleanup);

    /** vmq_api {@code reauthorize_subscriptions} on the other nodes, without waiting. */
    void reauthorizeElsewhere(SubscriberId id, Optional<String> username);
}
