package io.polyhook.it;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for an event with a generous timeout; never asserts how long something took. */
final class Await {

    static final Duration LONG = Duration.ofSeconds(15);

    private Await() {
    }

    static void until(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + LONG.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for: " + what);
            }
        }
    }
}
