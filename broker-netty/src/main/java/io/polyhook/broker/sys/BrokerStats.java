package io.polyhook.broker.sys;

import jakarta.inject.Singleton;

import java.util.concurrent.atomic.LongAdder;

/**
 * The broker's running counters, bumped from every event loop: {@link LongAdder}s, so counting
 * costs no contention. Read by the {@code $SYS} publisher (and anything else that wants them).
 */
@Singleton
public final class BrokerStats {

    private final long startNanos = System.nanoTime();
    private final LongAdder clientsConnected = new LongAdder();
    private final LongAdder connectionsRefused = new LongAdder();
    private final LongAdder messagesReceived = new LongAdder();
    private final LongAdder messagesSent = new LongAdder();
    private final LongAdder messagesDropped = new LongAdder();
    private final LongAdder slowConsumersDisconnected = new LongAdder();
    private final LongAdder bytesReceived = new LongAdder();
    private final LongAdder bytesSent = new LongAdder();

    /** A client was admitted (+1) or an admitted client went away (-1). */
    public void clientConnected(int delta) {
        clientsConnected.add(delta);
    }

    /** A connection was closed at once by a connection limit. */
    public void connectionRefused() {
        connectionsRefused.increment();
    }

    /** A PUBLISH came in from a client. */
    public void messageReceived() {
        messagesReceived.increment();
    }

    /** A PUBLISH went out to a client. */
    public void messageSent() {
        messagesSent.increment();
    }

    /** A message was dropped: a full outgoing or offline queue, an expired or oversized message. */
    public void messageDropped() {
        messagesDropped.increment();
    }

    /** A subscriber that stayed behind was disconnected (broker.slow_consumer_policy, max_drain_time). */
    public void slowConsumerDisconnected() {
        slowConsumersDisconnected.increment();
    }

    /** Bytes read from client sockets. */
    public void bytesReceived(long n) {
        bytesReceived.add(n);
    }

    /** Bytes written to client sockets. */
    public void bytesSent(long n) {
        bytesSent.add(n);
    }

    public long clientsConnected() {
        return clientsConnected.sum();
    }

    public long connectionsRefused() {
        return connectionsRefused.sum();
    }

    public long messagesReceived() {
        return messagesReceived.sum();
    }

    public long messagesSent() {
        return messagesSent.sum();
    }

    public long messagesDropped() {
        return messagesDropped.sum();
    }

    public long slowConsumersDisconnected() {
        return slowConsumersDisconnected.sum();
    }

    public long bytesReceived() {
        return bytesReceived.sum();
    }

    public long bytesSent() {
        return bytesSent.sum();
    }

    /** Seconds since the broker started. */
    public long uptimeSeconds() {
        return (System.nanoTime() - startNanos) / 1_000_000_000L;
    }
}
