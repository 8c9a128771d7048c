package io.polyhook.broker.failure;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Per kind of failure: an Error that ends a thread is fatal; an exception or a timer task's failure is not. */
class ThreadFailuresTest {

    private final List<String> fatal = new CopyOnWriteArrayList<>();
    private final CountDownLatch reported = new CountDownLatch(1);
    private final FatalErrorHandler handler = (reason, cause) -> {
        fatal.add(reason);
        reported.countDown();
    };

    @Test
    void aThreadEndedByAnErrorIsFatalWithOneLineNamingTheThreadAndTheError() throws Exception {
        Thread t = new Thread(() -> {
            throw new OutOfMemoryError("Java heap space\nsecond line");
        }, "HTTP-Dispatcher");
        t.setUncaughtExceptionHandler(ThreadFailures.uncaught(handler));
        t.start();
        t.join();
        assertThat(reported.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(fatal).containsExactly("OutOfMemoryError: Java heap space second line on thread HTTP-Dispatcher");
    }

    @Test
    void aThreadEndedByAnExceptionIsLoggedNotFatal() throws Exception {
        Thread t = new Thread(() -> {
            throw new IllegalStateException("boom");
        }, "some-library-thread");
        t.setUncaughtExceptionHandler(ThreadFailures.uncaught(handler));
        t.start();
        t.join();
        assertThat(fatal).isEmpty();
    }

    @Test
    void aTimerTaskThatFailsIsLoggedAndItsTimerGoesOn() throws Exception {
        var timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        try {
            CountDownLatch later = new CountDownLatch(2);
            timer.scheduleAtFixedRate(ThreadFailures.recovering("test task", () -> {
                later.countDown();
                throw new StackOverflowError();
            }), 0, 1, TimeUnit.MILLISECONDS);
            // Unwrapped, a periodic task that throws is never run again.
            assertThat(later.await(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            timer.shutdownNow();
        }
        assertThat(fatal).isEmpty();
    }
}
