package io.polyhook.broker.connection;

import io.polyhook.core.hook.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * Backpressure of one outbox toward the publishers that route to it: while it is congested they
 * stop reading, and each resumes once it is relieved. Changed on the outbox's event loop; read
 * and waited for from any thread.
 *
 * <p>A subscriber that stays behind through the publishers' bounded pauses sheds (its queue drops
 * its oldest messages) and no longer pauses anyone until it has drained: a client that stops
 * reading must not slow every publisher to it, nor have each publisher queue a wake-up for it
 * every pause for as long as it is connected.
 *
 * <p>The time it may keep publishers paused is budgeted too, so that a client reading just fast
 * enough never to drop cannot slow them without end either. A congestion that ends by draining
 * within {@link #GRACE_NANOS} is flow control and costs nothing: it took half the high-water mark
 * (128 messages) in that time, so the publishers are slowed to a pace of some thousands a second
 * at the least (a 1→1 stream at full speed is congested more than half of its time, in episodes
 * of about a millisecond). Congested time past the grace spends the budget; every moment earns
 * back {@link #EARN_PER_SECOND} of it, up to {@link #BUDGET_NANOS}. So a subscriber slower than
 * that may keep its publishers paused for half of its time for as long as it likes, and for
 * {@code 2 × BUDGET} in one go; past that it sheds as if it had dropped.
 */
final class PublisherPause {

    private static final Logger LOG = LoggerFactory.getLogger(PublisherPause.class);

    /** The congested time a subscriber may hold in reserve. */
    static final long BUDGET_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** The share of time that earns budget back: the longest sustained share of time it may pause publishers. */
    static final double EARN_PER_SECOND = 0.5;
    /**
     * How long one congestion may last before it spends the budget: a young JVM's pauses (JIT,
     * GC) stretch a fast subscriber's drain to tens of milliseconds at times.
     */
    static final long GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    /** Where the outbox stands toward its publishers. */
    enum State {
        /** Room: publishers read freely. */
        FLOWING,
        /** Past the high-water mark: publishers are asked to pause until it drains. */
        CONGESTED,
        /** Stayed behind (dropped, or spent its budget): publishers are not paused by it. */
        SHEDDING
    }

    // Read by publishers on other event loops.
    private volatile State state = State.FLOWING;
    private final Queue<Runnable> relief = new ConcurrentLinkedQueue<>();
    private final Ticker clock;
    // The budget as it stood at budgetAt (clock time); event loop only.
    private long budget = BUDGET_NANOS;
    private long budgetAt;
    // When the congestion in progress began; event loop only.
    private long congestedSince;
    // Whether the budget ran out once already: reported once per connection.
    private boolean spentBefore;

    PublisherPause(Ticker clock) {
        this.clock = clock;
        this.budgetAt = clock.read();
    }

    /** Whether publishers should pause. */
    boolean congested() {
        return state == State.CONGESTED;
    }

    State state() {
        return state;
    }

    /**
     * Past the high-water mark: publishers are asked to pause from now on, unless it sheds or
     * has spent its budget. Returns whether it sheds now for having spent it.
     */
    boolean congest() {
        if (state == State.FLOWING) {
            account();
            congestedSince = budgetAt;
            state = State.CONGESTED;
        } else if (state == State.CONGESTED && account() <= 0) {
            shed();
            if (!spentBefore) {
                spentBefore = true;
                LOG.warn("a subscriber kept its publishers paused past its budget (pauses over {} ms: {} s in one go,"
                        + " half of its time sustained): it pauses them no longer, and drops its oldest beyond"
                        + " max_online_messages, until it catches up", TimeUnit.NANOSECONDS.toMillis(GRACE_NANOS),
                        2 * TimeUnit.NANOSECONDS.toSeconds(BUDGET_NANOS));
            }
            return true;
        }
        return false;
    }

    /** The outbox drops messages: the paused publishers resume and no new ones pause until it drains. */
    void shed() {
        if (state != State.SHEDDING) {
            account();
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
        account();
        state = State.FLOWING;
        runRelief();
    }

    /** Brings the budget up to now under the current state, and returns it. */
    private long account() {
        long now = clock.read();
        long since = budgetAt;
        long elapsed = now - since;
        budgetAt = now;
        long earned = (long) (elapsed * EARN_PER_SECOND);
        long spent = state == State.CONGESTED ? Math.max(0, now - Math.max(since, congestedSince + GRACE_NANOS)) : 0;
        budget = Math.min(BUDGET_NANOS, budget + earned - spent);
        return budget;
    }

    private void runRelief() {
        Runnable r;
        while ((r = relief.poll()) != null) {
            r.run();
        }
    }
}
