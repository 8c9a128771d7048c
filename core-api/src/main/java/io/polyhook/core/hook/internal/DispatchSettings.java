package io.polyhook.core.hook.internal;

import io.polyhook.core.hook.HookIndex;
import io.polyhook.core.hook.Ticker;
import io.polyhook.core.hook.TimeoutFallback;
import io.polyhook.spi.Hook;
import io.polyhook.spi.Hooks;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * Deadlines and timeout fallbacks of handler calls, per hook point, plus the clock. Every
 * handler call gets the deadline of its hook ({@code scripts.hook_timeout}, 5 s by default); a
 * call that misses it counts as the hook's {@link TimeoutFallback} and the client's lane moves
 * on without it.
 */
public final class DispatchSettings {

    // An active publisher's next socket read comes well within this; a parked virtual thread
    // costs about a kilobyte of heap and no carrier while it lingers.
    private static final Duration DEFAULT_LINGER = Duration.ofMillis(10);

    private final long[] deadlineNanos;
    private final TimeoutFallback[] fallbacks;
    private final Ticker ticker;
    private final Duration watchdogInterval;
    private final int lingerRounds;

    private DispatchSettings(Builder b) {
        deadlineNanos = b.deadlineNanos.clone();
        fallbacks = b.fallbacks.clone();
        ticker = b.ticker;
        watchdogInterval = b.watchdogInterval;
        long interval = watchdogInterval.toNanos();
        lingerRounds = (int) Math.min(Integer.MAX_VALUE, (b.linger.toNanos() + interval - 1) / interval);
    }

    /** Defaults: 5 s deadline, deny on timeout, system time. */
    public static DispatchSettings defaults() {
        return builder().build();
    }

    /** Returns a builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The deadline of one handler call of {@code hook}. */
    public Duration deadline(Hook<?> hook) {
        return Duration.ofNanos(deadlineNanos[HookIndex.of(hook)]);
    }

    long deadlineNanos(Hook<?> hook) {
        return deadlineNanos[HookIndex.of(hook)];
    }

    /** What a timed-out call of {@code hook} counts as. */
    public TimeoutFallback fallback(Hook<?> hook) {
        return fallbacks[HookIndex.of(hook)];
    }

    /** The clock deadlines and latencies are measured with. */
    public Ticker ticker() {
        return ticker;
    }

    /** How often deadlines are checked; a call is stopped at most this late. */
    public Duration watchdogInterval() {
        return watchdogInterval;
    }

    /**
     * For how many watchdog rounds a client lane's thread stays, parked, after its queue is
     * drained, to run the client's next calls (the linger time rounded up to whole rounds; 0: the
     * thread ends at once). An idle lane holds its thread for at most one round more than this.
     */
    public int lingerRounds() {
        return lingerRounds;
    }

    /** Builds {@link DispatchSettings}. Not thread-safe. */
    public static final class Builder {
        private final long[] deadlineNanos = new long[Hooks.all().size()];
        private final TimeoutFallback[] fallbacks = new TimeoutFallback[Hooks.all().size()];
        private Ticker ticker = Ticker.system();
        private Duration watchdogInterval = Duration.ofMillis(10);
        private Duration linger = DEFAULT_LINGER;

        private Builder() {
            Arrays.fill(deadlineNanos, Duration.ofSeconds(5).toNanos());
            Arrays.fill(fallbacks, TimeoutFallback.DENY);
        }

        /** Sets the deadline of every hook point. */
        public Builder deadline(Duration deadline) {
            Arrays.fill(deadlineNanos, positive(deadline).toNanos());
            return this;
        }

        /** Sets the deadline of one hook point. */
        public Builder deadline(Hook<?> hook, Duration deadline) {
            deadlineNanos[HookIndex.of(hook)] = positive(deadline).toNanos();
            return this;
        }

        /** Sets the timeout fallback of every hook point. */
        public Builder fallback(TimeoutFallback fallback) {
            Arrays.fill(fallbacks, Objects.requireNonNull(fallback, "fallback"));
            return this;
        }

        /** Sets the timeout fallback of one hook point. */
        public Builder fallback(Hook<?> hook, TimeoutFallback fallback) {
            fallbacks[HookIndex.of(hook)] = Objects.requireNonNull(fallback, "fallback");
            return this;
        }

        /** Sets the clock (tests move a fake one). */
        public Builder ticker(Ticker value) {
            ticker = Objects.requireNonNull(value, "ticker");
            return this;
        }

        /** Sets how often deadlines are checked. */
        public Builder watchdogInterval(Duration interval) {
            watchdogInterval = positive(interval);
            return this;
        }

        /**
         * Sets how long a client lane's thread lingers after its last call for the next one
         * (rounded up to whole watchdog rounds; zero: not at all). 10 ms by default.
         */
        public Builder linger(Duration value) {
            if (Objects.requireNonNull(value, "linger").isNegative()) {
                throw new IllegalArgumentException("linger must not be negative, was " + value);
            }
            linger = value;
            return this;
        }

        /** Returns the settings. */
        public DispatchSettings build() {
            return new DispatchSettings(this);
        }

        private static Duration positive(Duration d) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("duration must be positive, was " + d);
            }
            return d;
        }
    }
}
