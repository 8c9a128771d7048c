package io.polyhook.engine.graaljs;

import org.graalvm.polyglot.Engine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Polyglot engines every context is created on: one per JVM for each statement limit in use
 * (in practice one, since the settings are broker-wide; Truffle requires every context of an
 * engine to use the same statement limit). An engine holds the parsed and shared code of every
 * script, so it lives as long as the JVM: it is built lazily by the first load (about 0.3 s) and
 * closed by a JVM shutdown hook, which cancels whatever still runs. Scripts close only their own
 * contexts.
 */
final class SharedEngines {

    private static final Logger LOG = LoggerFactory.getLogger(SharedEngines.class);
    private static final Map<Long, Engine> ENGINES = new ConcurrentHashMap<>();
    private static volatile boolean hookInstalled;

    private SharedEngines() {
    }

    /** The engine for contexts with {@code statementLimit} (0 for none). */
    static Engine forLimit(long statementLimit) {
        Engine engine = ENGINES.get(statementLimit);
        if (engine != null) {
            return engine;
        }
        synchronized (SharedEngines.class) {
            installShutdownHook();
            return ENGINES.computeIfAbsent(statementLimit, k -> Engine.newBuilder("js")
                    // Interpreter only on a stock JDK: expected, so not worth a warning per start.
                    .option("engine.WarnInterpreterOnly", "false")
                    .build());
        }
    }

    private static void installShutdownHook() {
        if (hookInstalled) {
            return;
        }
        hookInstalled = true;
        Runtime.getRuntime().addShutdownHook(new Thread(SharedEngines::closeAll, "polyhook-graaljs-shutdown"));
    }

    /** Closes every engine, cancelling what still runs; the next load builds a new one. */
    static synchronized void closeAll() {
        for (Long key : ENGINES.keySet()) {
            Engine engine = ENGINES.remove(key);
            if (engine != null) {
                try {
                    engine.close(true);
                } catch (RuntimeException e) {
                    LOG.debug("closing the GraalJS engine failed", e);
                }
            }
        }
    }
}
