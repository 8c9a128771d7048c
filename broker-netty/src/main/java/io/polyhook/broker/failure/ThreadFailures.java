package io.polyhook.broker.failure;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.BooleanSupplier;

/**
 * The broker's rules for a thread that meets an {@link Error}, per kind of thread:
 *
 * <ul>
 *   <li>Event loops: an error inside one connection's handlers closes that connection (Netty
 *       isolates it; the session handler logs it); an error that ends the loop itself is fatal, since
 *       its connections are bound to it and it cannot be replaced ({@link #watch}).</li>
 *   <li>Timers (session expiry, delayed wills, {@code $SYS}) and the hook watchdog: the failed
 *       task or round is logged and the thread goes on ({@link #recovering}); the watchdog holds no
 *       state, so its next round is whole.</li>
 *   <li>Virtual threads of hook calls and admin requests: the call or request fails (a hook
 *       error, an HTTP 500) and the next one runs on a fresh thread.</li>
 *   <li>Any thread that still ends by an {@code Error} — the admin API's dispatcher, a watchdog
 *       that fails even to log, a thread of a library — is fatal ({@link #uncaught}).</li>
 * </ul>
 */
public final class ThreadFailures {

    private static final Logger LOG = LoggerFactory.getLogger(ThreadFailures.class);

    private ThreadFailures() {
    }

    /**
     * What ends a thread: an {@link Error} is fatal; an exception is logged (that thread's work is
     * lost, the broker goes on). For {@link Thread#setDefaultUncaughtExceptionHandler} and thread groups.
     */
    public static Thread.UncaughtExceptionHandler uncaught(FatalErrorHandler handler) {
        return (thread, e) -> {
            if (e instanceof Error) {
                handler.fatal(describe(thread.getName(), e), e);
            } else {
                LOG.error("thread {} ended by {}", thread.getName(), e.toString(), e);
            }
        };
    }

    /** {@code task} for a timer thread: whatever it throws is logged and the timer goes on. */
    public static Runnable recovering(String what, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (Throwable e) {
                LOG.error("{} failed: {}", what, e.toString(), e);
            }
        };
    }

    /**
     * Reports to {@code handler} any event loop of {@code group} that terminates while
     * {@code stopping} is false: its run loop was ended by an error.
     */
    public static void watch(String name, EventLoopGroup group, BooleanSupplier stopping, FatalErrorHandler handler) {
        int i = 0;
        for (EventExecutor loop : group) {
            String label = name + " #" + i++;
            loop.terminationFuture().addListener(f -> {
                if (!stopping.getAsBoolean()) {
                    // Netty has logged the error that ended it, with its stack trace, just before.
                    handler.fatal("event loop " + label + " stopped by an error (logged above); its connections are"
                            + " dead", null);
                }
            });
        }
    }

    /** One line: the error's class and message, and the thread. */
    static String describe(String thread, Throwable e) {
        String message = e.getMessage() == null ? "" : ": " + e.getMessage().replaceAll("\\s+", " ");
        if (message.length() > 200) {
            message = message.substring(0, 200) + "...";
        }
        return e.getClass().getSimpleName() + message + " on thread " + thread;
    }
}
