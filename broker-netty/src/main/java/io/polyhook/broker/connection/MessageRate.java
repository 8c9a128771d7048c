package io.polyhook.broker.connection;

import io.polyhook.core.hook.Ticker;

/**
 * {@code max_message_rate}: publishes per second, counted in one-second windows on the broker's
 * clock. Event loop only.
 */
final class MessageRate {

    private static final long SECOND = 1_000_000_000L;

    private final long perSecond;
    private final Ticker clock;
    private long windowStart;
    private int count;

    MessageRate(long perSecond, Ticker clock) {
        this.perSecond = perSecond;
        this.clock = clock;
        // The first publish opens the first window.
        this.windowStart = clock.read() - SECOND;
    }

    /**
     * Counts one publish; returns how many milliseconds reading must pause because the rate is
     * reached (until the second is over), or 0.
     */
    long count() {
        long now = clock.read();
        if (now - windowStart >= SECOND) {
            windowStart = now;
            count = 0;
        }
        if (++count >= perSecond) {
            return Math.max(1, (SECOND - (now - windowStart)) / 1_000_000L);
        }
        return 0;
    }
}
