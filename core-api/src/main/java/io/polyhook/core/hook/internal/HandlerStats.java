package io.polyhook.core.hook.internal;

import io.polyhook.core.hook.HandlerOrigin;
import java.util.concurrent.atomic.LongAdder;

/**
 * Live counters of one origin (plugin or script) on one hook point: calls, errors, timeouts,
 * the requests its failures denied, and the latency of each call. Survives a script reload, so numbers are per path, not per version.
 * A shortcut's calls (the auth cache's answers on the event loop) are all counted, but only a
 * random sample of them is timed: timing costs more than such a call.
 *
 * <p>A timed call is one recording ({@link CallLatencies}: one cell and the sum); the number of
 * calls is derived from it with the untimed calls and the timeouts added, not counted apart.
 */
public final class HandlerStats {

    private final HandlerOrigin origin;
    private final String hook;
    private final LongAdder untimedCalls = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder timeouts = new LongAdder();
    private final LongAdder failedClosed = new LongAdder();
    private final CallLatencies latency = new CallLatencies();

    HandlerStats(HandlerOrigin origin, String hook) {
        this.origin = origin;
        this.hook = hook;
    }

    void recordCall(long nanos) {
        latency.record(nanos);
    }

    /** A call that was not timed: its latency is known from a sample of the others. */
    void recordUntimedCall() {
        untimedCalls.increment();
    }

    void recordError() {
        errors.increment();
    }

    /** A call that missed its deadline: counted as a call, not timed. */
    void recordTimeout() {
        timeouts.increment();
    }

    /** Its error or timeout denied a request: no later handler allowed. */
    void recordFailedClosed() {
        failedClosed.increment();
    }

    /** The owner of the handler. */
    public HandlerOrigin origin() {
        return origin;
    }

    /** The hook point's name. */
    public String hook() {
        return hook;
    }

    /** A consistent-enough copy of the counters for display. */
    public Snapshot snapshot() {
        CallLatencies.Summary timed = latency.summary();
        long timedOut = timeouts.sum();
        return new Snapshot(origin, hook, timed.count() + untimedCalls.sum() + timedOut, errors.sum(), timedOut,
                failedClosed.sum(), timed.meanNanos() / 1000.0, timed.p50Nanos() / 1000.0, timed.p99Nanos() / 1000.0,
                timed.buckets());
    }

    /**
     * The counters of one origin on one hook point at one moment.
     *
     * @param origin     the plugin or script
     * @param hook       the hook point's name
     * @param calls      calls made (including those that failed or timed out)
     * @param errors     calls that threw or returned invalid modifiers
     * @param timeouts   calls that missed their deadline
     * @param failedClosed requests of an authorization hook denied because this handler failed or
     *                   timed out (under the next fallback) and no later handler allowed
     * @param meanMicros mean latency of completed calls in microseconds
     * @param p50Micros  median latency in microseconds
     * @param p99Micros  99th percentile latency in microseconds
     * @param latency    the latencies of the timed calls by fixed buckets, as a Prometheus histogram has them
     */
    public record Snapshot(HandlerOrigin origin, String hook, long calls, long errors, long timeouts, long failedClosed,
                           double meanMicros, double p50Micros, double p99Micros, LatencyBuckets.Counts latency) {
    }
}
