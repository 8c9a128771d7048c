package io.polyhook.broker.failure;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicBoolean;

/** {@link FatalErrorHandler#haltProcess()}. */
final class ProcessHalt implements FatalErrorHandler {

    /** EX_SOFTWARE of sysexits.h: an internal software error. */
    static final int EXIT_STATUS = 70;
    static final ProcessHalt INSTANCE = new ProcessHalt();

    private static final Logger LOG = LoggerFactory.getLogger(ProcessHalt.class);
    private final AtomicBoolean halting = new AtomicBoolean();

    private ProcessHalt() {
    }

    @Override
    public void fatal(String reason, Throwable cause) {
        if (!halting.compareAndSet(false, true)) {
            return;
        }
        // Each step may itself fail when the heap is gone; the halt comes regardless.
        try {
            LOG.error("fatal: {}; stopping the broker", reason, cause);
        } catch (Throwable ignored) {
            // Nothing more to do about it.
        }
        try {
            System.err.println("polyhook: fatal: " + reason + "; stopping");
            System.err.flush();
        } catch (Throwable ignored) {
            // As above.
        } finally {
            Runtime.getRuntime().halt(EXIT_STATUS);
        }
    }
}
