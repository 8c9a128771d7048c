package io.polyhook.broker.connection;

/**
 * What a subscriber whose outgoing queue stays behind gets.
 *
 * @param disconnect    report it to {@code onBehind} (once) instead of dropping its oldest messages
 * @param maxDelayNanos how long a message may wait in the queue, 0 for no time bound
 * @param onBehind      called on the event loop when a {@code disconnect} consumer falls behind
 */
record BehindPolicy(boolean disconnect, long maxDelayNanos, Runnable onBehind) {
    static final BehindPolicy DROP = new BehindPolicy(false, 0, () -> { });
}
