package io.polyhook.broker.connection;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Backpressure of one outbox toward the publishers that route to it: while it is congested they
 * stop reading, and each resumes once it is relieved. Changed on the outbox's event loop; read
 * and waited for from any thread.
 *
 * <p>A subscriber that stays behind through the publishers' bounded pauses sheds (its queue drops
 * its oldest messages) and no longer pauses anyone until it has drained: a client that stops
 * reading must not slow every publisher to it, nor have each publisher queue a wake-up for it
 * every pause for as long as it is connected.
 */
final class PublisherPause {

    /** Where the outbox stands toward its publishers. */
    enum State {
        /** Room: publishers read freely. */
        FLOWING,
        /** Past the high-water mark: publishers are asked to pause until it drains. */
        CONGESTED,
        /** Stayed behind and drops its oldest messages: publishers are not paused by it. */
        SHEDDING
    }

    // Read by publishers on other event loops.
    private volatile State state = State.FLOWING;
    private final Queue<Runnable> relief = new ConcurrentLinkedQueue<>();

    /** Whether publishers should pause. */
    boolean congested() {
        return state == State.CONGESTED;
    }

    State state() {
        return state;
    }

    /** Past the high-water mark: publishers are asked to pause from now on, unless it sheds. */
    void congest() {
        if (state == State.FLOWING) {
            state = State.CONGESTED;
        }
    }

    /** The outbox drops messages: the paused publishers resume and no new ones pause until it drains. */
    void shed() {
        if (state != State.SHEDDING) {
            state = State.SHEDDING;
            runRelief();
        }
    }

    /** Runs {@code r} once the outbox is no longer congested, at once if it is not. */
    void whenRelieved(Runnable r) {
        relief.add(r);
        // Checked after adding, so that a concurrent change either sees r or this sees the change.
        if (state != State.CONGESTED && relief.remove(r)) {
            r.run();
        }
    }

    /** Drained (or the connection is gone): flowing again, and the paused publishers resume. */
    void relieve() {
        state = State.FLOWING;
        runRelief();
    }

    private void runRelief() {
        Runnable r;
        while ((r = relief.poll()) != null) {
            r.run();
        }
    }
}
