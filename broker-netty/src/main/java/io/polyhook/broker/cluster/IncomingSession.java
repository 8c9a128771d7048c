package io.polyhook.broker.cluster;

import io.polyhook.broker.routing.Message;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A session coming to this node from its previous owner: the state, then the queue read a page
 * at a time from the node that held it. Once everything is written here, {@link #committed()}
 * lets the previous owner delete its copy. A stage that fails means the previous owner is gone
 * or gave up: what was written here of the session must go, the previous owner keeps it.
 */
public interface IncomingSession {

    /** Subscriptions, in-flight messages, inbound QoS 2 packet ids and expiry; its {@code queued} is empty. */
    SessionState head();

    /** The next page of the queue; call again until a page is {@link QueuePage#last()}. */
    CompletionStage<QueuePage> next();

    /**
     * Everything is written here: the previous owner deletes its copy. Fails with
     * {@link ClusterException.Reason#REFUSED} when the previous owner had given the session up
     * already (it keeps it), with another reason when its answer did not come.
     */
    CompletionStage<Void> committed();

    /**
     * This node gives the move up before the commit (what it wrote of the session is gone): the
     * previous owner claims the client id back and keeps the session at once, rather than after
     * it stops waiting. Completes when it answered or could not be reached.
     */
    default CompletionStage<Void> abandon() {
        return CompletableFuture.completedFuture(null);
    }

    /** The state with the whole queue in memory (tests and small sessions), read page after page. */
    default CompletionStage<SessionState> readAll() {
        List<Message> all = new ArrayList<>();
        return readFrom(this, all).thenApply(v -> {
            SessionState h = head();
            return new SessionState(h.id(), h.expirySeconds(), h.subscriptions(), h.inflight(), h.inboundQos2(), all);
        });
    }

    private static CompletionStage<Void> readFrom(IncomingSession in, List<Message> into) {
        return in.next().thenCompose(page -> {
            into.addAll(page.messages());
            return page.last() ? CompletableFuture.<Void>completedFuture(null) : readFrom(in, into);
        });
    }
}
