package io.polyhook.provider.log;

import io.polyhook.core.provider.Arguments;
import io.polyhook.core.provider.DataProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.event.Level;

import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import java.util.function.Supplier;

/** The functions of the {@code log} library: a script's lines, written through SLF4J. */
final class ScriptLog {

    /** The logger a line goes to when the engine did not say which script is running. */
    static final String LOGGER = "io.polyhook.script";
    /**
     * The MDC key under which an engine may put the running script's name for the duration of
     * a call; lines then go to the logger {@code io.polyhook.script.<name>}. (It needs an SLF4J
     * backend with an MDC, such as Logback; slf4j-simple has none.)
     */
    static final String SCRIPT_MDC_KEY = "script";

    private final Function<String, Logger> loggers;
    private final Supplier<String> runningScript;

    private ScriptLog(Function<String, Logger> loggers, Supplier<String> runningScript) {
        this.loggers = loggers;
        this.runningScript = runningScript;
    }

    /** The library writing through SLF4J, naming the script from the MDC. */
    static DataProvider create() {
        return create(LoggerFactory::getLogger, () -> MDC.get(SCRIPT_MDC_KEY));
    }

    /**
     * The library; {@code loggers} gives the logger of a name, {@code runningScript} the name
     * of the script calling, or {@code null} if that is not known.
     */
    static DataProvider create(Function<String, Logger> loggers, Supplier<String> runningScript) {
        ScriptLog log = new ScriptLog(loggers, runningScript);
        return DataProvider.builder("log")
                .function("debug", args -> log.write(Level.DEBUG, args))
                .function("info", args -> log.write(Level.INFO, args))
                .function("warning", args -> log.write(Level.WARN, args))
                .function("error", args -> log.write(Level.ERROR, args))
                .build();
    }

    private Object write(Level level, Arguments args) {
        String line = line(args);
        Logger logger = loggers.apply(loggerName());
        // The line is an argument, never the format: "{}" and "~" in it are printed as they are.
        switch (level) {
            case DEBUG -> logger.debug("{}", line);
            case INFO -> logger.info("{}", line);
            case WARN -> logger.warn("{}", line);
            default -> logger.error("{}", line);
        }
        return null;
    }

    // A Lua string that is not valid UTF-8 arrives as bytes; it is still a string to the script.
    private static String line(Arguments args) {
        if (args.get(1) instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        return args.string(1);
    }

    private String loggerName() {
        String script = runningScript.get();
        return script == null || script.isBlank() ? LOGGER : LOGGER + "." + script;
    }
}
