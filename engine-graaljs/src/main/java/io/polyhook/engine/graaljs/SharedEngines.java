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
 *
 * <p>Whether the engine compiles hot scripts depends on how the JVM was started (README,
 * "Optimizing runtime"; {@code bin/jvm-options}): when it runs interpreted, the first engine
 * logs one warning, with the reason {@code bin/jvm-options} found if it passed one in
 * {@value #INTERPRETER_PROPERTY} ({@code chosen}: no warning).
 */
final class SharedEngines {

    private static final Logger LOG = LoggerFactory.getLogger(SharedEngines.class);
    private static final Map<Long, Engine> ENGINES = new ConcurrentHashMap<>();
    private static volatile boolean hookInstalled;
    private static volatile boolean runtimeReported;

    /** Set by {@code bin/jvm-options} when it starts the JVM without the optimizing runtime: why. */
    static final String INTERPRETER_PROPERTY = "polyhook.graaljs.interpreter";
    /** {@link Engine#getImplementationName()} of Truffle's fallback runtime. */
    static final String INTERPRETED = "Interpreted";

    /** Truffle's execution mode, a stable engine option; {@link #mode()} says which one and why. */
    static final String MODE_OPTION = "engine.Mode";

    private SharedEngines() {
    }

    /**
     * The execution mode of the engines: {@code latency} unless the operator chose another with
     * {@code -Dpolyglot.engine.Mode=default|throughput}. Hook functions are small and called
     * from the first message on; on a stock JDK the Graal compiler that compiles them is itself
     * Java code that the JVM must first compile, so what a broker pays in its first minutes is
     * mostly compilation. In latency mode Truffle compiles each function by itself with the
     * economy configuration (no inlining of guest functions, no splitting), which needs far less
     * of the Graal compiler to be compiled first (engine-graaljs/README.md, "Optimizing runtime",
     * has the measurement), at the price of peak speed in long-running script code. (The
     * interpreter, without the optimizing runtime, has no modes.)
     */
    static String mode() {
        return System.getProperty("polyglot." + MODE_OPTION, "latency");
    }

    /** The engine for contexts with {@code statementLimit} (0 for none). */
    static Engine forLimit(long statementLimit) {
        Engine engine = ENGINES.get(statementLimit);
        if (engine != null) {
            return engine;
        }
        synchronized (SharedEngines.class) {
            installShutdownHook();
            return ENGINES.computeIfAbsent(statementLimit, k -> report(build()));
        }
    }

    private static Engine build() {
        try {
            return builder().option(MODE_OPTION, mode()).build();
        } catch (IllegalArgumentException e) {
            // The interpreter has no compilation and so no engine.Mode; a mode the operator
            // misspelt is said once, and the engine runs in Truffle's default mode.
            if (System.getProperty("polyglot." + MODE_OPTION) != null) {
                LOG.warn("-Dpolyglot.{} ignored: {}", MODE_OPTION, e.getMessage());
                System.clearProperty("polyglot." + MODE_OPTION);
            }
            return builder().build();
        }
    }

    private static Engine.Builder builder() {
        return Engine.newBuilder("js")
                // Truffle's own warning is several lines without the reason: ours replaces it.
                .option("engine.WarnInterpreterOnly", "false")
                // Hook calls run on virtual threads by design (DESIGN.md, Threading). The
                // warning is about tools that write caller frames; no script can reach them.
                // (An experimental option: allowing those lets only this code and the
                // operator's -Dpolyglot.* system properties set any.)
                .allowExperimentalOptions(true)
                .option("engine.WarnVirtualThreadSupport", "false");
    }

    /** Whether this JVM compiles JavaScript (Truffle's optimizing runtime), from the first engine. */
    static boolean optimizing() {
        Engine any = ENGINES.values().stream().findFirst().orElseGet(() -> forLimit(JsSettings.DEFAULT_STATEMENT_LIMIT));
        return !INTERPRETED.equals(any.getImplementationName());
    }

    private static Engine report(Engine engine) {
        if (runtimeReported) {
            return engine;
        }
        runtimeReported = true;
        String reason = System.getProperty(INTERPRETER_PROPERTY);
        if (!INTERPRETED.equals(engine.getImplementationName())) {
            LOG.debug("GraalJS runs on {} (optimizing runtime)", engine.getImplementationName());
        } else if (!"chosen".equals(reason)) {
            LOG.warn("JavaScript runs interpreted, several times slower than compiled ({}): start the broker with "
                    + "bin/polyhook on JDK 25, or see engine-graaljs/README.md, \"Optimizing runtime\"",
                    reason == null ? "GraalJS is on the class path, not the module path" : reason);
        }
        return engine;
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
