package io.polyhook.engine.luaj;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * How many carrier threads of the JVM's virtual-thread scheduler long-running script code may
 * hold at once: all but one. Virtual threads are never preempted, so a hook call that computes
 * holds its carrier until it blocks; enough of them and nothing else runs (other hook calls, the
 * admin API). {@code Thread.yield()} does not help: a yielded virtual thread is resubmitted to a
 * queue that the carriers keep finding first, and a thread started from outside waits for as
 * long as the yielders spin (measured on JDK 25: not started within 20 s).
 *
 * <p>So a run that has computed for a whole time slice takes a permit to go on, and at each
 * further slice gives it back and queues for it again, in order of arrival. Runs shorter than a
 * slice (nearly every hook call) never touch it. One JVM-wide quota, as the scheduler is.
 */
final class CarrierQuota {

    private static final int CARRIERS = Integer.getInteger("jdk.virtualThreadScheduler.parallelism",
            Runtime.getRuntime().availableProcessors());
    private static final Semaphore PERMITS = new Semaphore(Math.max(1, CARRIERS - 1), true);

    private CarrierQuota() {
    }

    /**
     * Waits for a permit at most {@code nanos}.
     *
     * @return whether it was given
     * @throws InterruptedException if the thread is interrupted while it waits
     */
    static boolean acquire(long nanos) throws InterruptedException {
        return PERMITS.tryAcquire(Math.max(0, nanos), TimeUnit.NANOSECONDS);
    }

    static void release() {
        PERMITS.release();
    }

    /** Whether one carrier is all there is: then a run also steps aside for a moment between slices. */
    static boolean single() {
        return CARRIERS <= 1;
    }
}
