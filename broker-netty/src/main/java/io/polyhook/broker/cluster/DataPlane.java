package io.polyhook.broker.cluster;

import io.polyhook.spi.Registration;

import java.util.function.Consumer;

/**
 * The node-to-node message link: a dedicated TCP connection to each peer, on which messages for
 * one peer are batched (one frame per peer per burst). What one node sends to another arrives in
 * the order it was sent, so messages keep their order per publisher. Never an engine-wide
 * broadcast: a message goes only to the nodes whose routes match.
 */
public interface DataPlane {

    /** A new message identity of this node. */
    MessageId newId();

    /**
     * Queues {@code delivery} for {@code node} without blocking. Returns false, and counts a drop,
     * when the node is not in the view or its queue is full (the peer is slower than the
     * publishers); QoS 1/2 senders decide what to do then.
     */
    boolean send(String node, RemoteDelivery delivery);

    /** Calls {@code handler} for every delivery from another node, in the order that node sent them. */
    Registration onDelivery(Consumer<RemoteDelivery> handler);

    /**
     * Queues {@code message} for session {@code message.client()} on {@code node}, its new owner,
     * in order with the deliveries to that node. False, as {@link #send}, when it cannot go.
     */
    default boolean forward(String node, ForwardedMessage message) {
        return false;
    }

    /** Calls {@code handler} for every message another node forwards here, in the order it sent them. */
    default Registration onForward(Consumer<ForwardedMessage> handler) {
        return () -> { };
    }

    /** Counters since start. */
    Stats stats();

    /**
     * Counters of the link.
     *
     * @param sent     deliveries written to peers
     * @param received deliveries received from peers
     * @param dropped  deliveries refused (peer gone or queue full)
     * @param frames   frames written (a frame carries a burst)
     * @param bytes    bytes written
     */
    record Stats(long sent, long received, long dropped, long frames, long bytes) {
    }
}
