package io.polyhook.broker.connection;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Backpressure of one outbox toward the publishers that route to it: while it is congested they
 * stop reading, and each resumes once it is relieved. Congested and relieved on the outbox's
 * event loop; read and waited for from any thread.
 */
final class PublisherPause {

    // Read by publishers on other event loops.
    private volatile boolean congested;
    private final Queue<Runnable> relief = new ConcurrentLinkedQueue<>();

    /** Whether publishers should pause. */
    boolean congested() {
        return congested;
    }

    /** Publishers are asked to pause from now on. */
    void congest() {
        congested = true;
    }

    /** Runs {@code r} once the outbox is no longer congested, at once if it is not. */
    void whenRelieved(Runnable r) {
        relief.add(r);
        // Checked after adding, so that a concurrent relieve() either sees r or this sees the change.
        if (!congested && relief.remove(r)) {
            r.run();
        }
    }

    /** Ends congestion (drained, or the connection is gone): the paused publishers resume. */
    void relieve() {
        congested = false;
        Runnable r;
        while ((r = relief.poll()) != null) {
            r.run();
        }
    }
}
