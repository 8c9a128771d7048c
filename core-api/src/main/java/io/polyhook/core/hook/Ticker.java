package io.polyhook.core.hook;

/**
 * A source of nanosecond time, injectable so tests can move time instead of waiting for it.
 */
@FunctionalInterface
public interface Ticker {

    /** The current time in nanoseconds, from an arbitrary origin. */
    long read();

    /** The JVM's {@link System#nanoTime()}. */
    static Ticker system() {
        return System::nanoTime;
    }
}
