package io.polyhook.broker.failure;

/**
 * Called when a broker thread that cannot be replaced has stopped (an event loop, the admin API's
 * dispatcher, or any thread the JVM reports as ended by an {@link Error}): the broker can no
 * longer serve everyone, so by default the process ends and whatever supervises it restarts it.
 * An application that embeds the broker may choose otherwise with
 * {@code PolyhookBroker.builder().onFatalError(...)}.
 */
@FunctionalInterface
public interface FatalErrorHandler {

    /**
     * Handles a fatal failure.
     *
     * @param reason one line naming the thread and the error, without a stack trace
     * @param cause  the error
     */
    void fatal(String reason, Throwable cause);

    /**
     * Logs {@code reason}, prints {@code polyhook: fatal: <reason>; stopping} on standard error
     * and halts the JVM with exit status {@value ProcessHalt#EXIT_STATUS}, without running
     * shutdown hooks (which might wait for the very thread that died). Once per process.
     */
    static FatalErrorHandler haltProcess() {
        return ProcessHalt.INSTANCE;
    }
}
