package io.polyhook.broker.connection;

import io.polyhook.broker.codec.Packets;
import io.polyhook.broker.routing.Message;
import io.polyhook.broker.routing.PublishOrigin;
import io.polyhook.broker.session.DurableSessions;
import io.polyhook.broker.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The durable side of a client's PUBLISHes: routes a QoS 1/2 (or retained) message inside one
 * store batch, and sends its PUBACK/PUBREC only once that batch is as durable as
 * {@code persistence.sync} promises, in the order the PUBLISHes came. The completion comes back
 * to the connection's event loop; the loop never waits for an fsync. When the store cannot
 * write, nothing is acknowledged: the client is disconnected (it resends after reconnecting) and
 * the broker serves the others. QoS 0 and clean-session traffic without retain skip all of this.
 * Event loop only.
 */
final class DurablePublish {

    private static final Logger LOG = LoggerFactory.getLogger(DurablePublish.class);

    private final Connection c;
    private final DurableSessions durable;
    // The last acknowledgement waiting for a commit; later ones queue behind it. Null when none waits.
    private CompletableFuture<Void> waiting;

    DurablePublish(Connection connection) {
        this.c = connection;
        this.durable = connection.services.sessions.durable();
    }

    /**
     * Routes {@code m} to {@code target}. Returns what its acknowledgement waits for: null when
     * nothing was written.
     *
     * @throws StoreException when the store could not write it (nothing of it was)
     */
    CompletionStage<Void> route(String target, Message m, int qos, int packetId, PublishOrigin origin) {
        if (!durable.enabled() || (qos == 0 && !m.retain())) {
            c.services.router.publish(target, m, origin);
            return null;
        }
        DurableSessions.Scope scope = durable.open();
        try {
            c.services.router.publish(target, m, origin);
            if (qos == 2 && c.session.inStore()) {
                // With the route in one batch: after a restart a resent PUBLISH is known, not routed again.
                scope.batch().putInboundQos2(c.session.id(), packetId);
            }
        } catch (RuntimeException e) {
            durable.abandon(scope);
            throw e;
        }
        return durable.commit(scope, c.ctx.executor());
    }

    /** The client's PUBREL: its QoS 2 id is released in the store before the PUBCOMP goes out. */
    void released(int packetId) {
        if (durable.enabled() && c.session != null && c.session.inStore()) {
            durable.releasedQos2(c.session.id(), packetId);
        }
    }

    /** Whether no acknowledgement waits for the store. */
    boolean settled() {
        return waiting == null;
    }

    /** Runs {@code ack} once {@code stored} (null: nothing) and every earlier acknowledgement are done. */
    void acknowledge(CompletionStage<Void> stored, Runnable ack) {
        if (waiting == null && (stored == null || stored.toCompletableFuture().isDone())) {
            // The usual case with sync batch or nothing written: no hop.
            Throwable error = stored == null ? null : stored.toCompletableFuture().handle((v, e) -> e).join();
            if (error != null) {
                failed(error);
            } else {
                ack.run();
            }
            return;
        }
        CompletableFuture<Void> done = stored == null ? CompletableFuture.completedFuture(null) : stored.toCompletableFuture();
        CompletableFuture<Void> before = waiting == null ? CompletableFuture.completedFuture(null) : waiting;
        CompletableFuture<Void> next = new CompletableFuture<>();
        waiting = next;
        before.thenCombine(done.handle((v, e) -> e), (x, error) -> error)
                .thenAcceptAsync(error -> {
                    if (waiting == next) {
                        waiting = null;
                    }
                    if (error != null) {
                        failed(error);
                    } else if (c.state().isOpen()) {
                        ack.run();
                    }
                    next.complete(null);
                }, c.ctx.executor());
    }

    /** The store could not keep a message: no acknowledgement; the client goes and resends it later. */
    void failed(Throwable error) {
        Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        LOG.error("client {}: not acknowledged, the message was not stored: {}", c.clientId, e.getMessage());
        if (c.state().isOpen()) {
            c.disconnect(Packets.UNSPECIFIED_ERROR, "the broker could not store the message");
        }
    }
}
