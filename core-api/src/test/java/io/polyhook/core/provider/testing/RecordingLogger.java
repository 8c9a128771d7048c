package io.polyhook.core.provider.testing;

import org.slf4j.Logger;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A logger that records every trace, debug, info, warn and error call, for assertions. Pass
 * {@link #logger()} to the code under test (e.g. through {@link TestProviderContext}) and read
 * {@link #entries()}. Thread-safe: pools and providers may log from their own threads.
 */
public final class RecordingLogger {

    /**
     * One call: its level ({@code "info"}, ...), format and arguments, a trailing throwable
     * included; varargs arrays are flattened, so {@code warn(f, a, b, c)} records {@code [a, b, c]}.
     */
    public record Entry(String level, String format, List<Object> arguments) {
    }

    private final String name;
    private final List<Entry> entries = new CopyOnWriteArrayList<>();
    private final Logger logger;

    /** A recorder whose logger is called {@code name}. */
    public RecordingLogger(String name) {
        this.name = name;
        // A proxy rather than a Logger implementation: slf4j's interface has some sixty methods.
        this.logger = (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> {
                    String m = method.getName();
                    if (m.startsWith("is") && m.endsWith("Enabled")) {
                        return true;
                    }
                    if (List.of("trace", "debug", "info", "warn", "error").contains(m) && args != null
                            && args[0] instanceof String format) {
                        List<Object> rest = new ArrayList<>();
                        for (Object arg : Arrays.asList(args).subList(1, args.length)) {
                            if (arg instanceof Object[] array) {
                                rest.addAll(Arrays.asList(array));
                            } else {
                                rest.add(arg);
                            }
                        }
                        entries.add(new Entry(m, format, rest));
                        return null;
                    }
                    return switch (m) {
                        case "getName" -> this.name;
                        case "toString" -> "RecordingLogger[" + this.name + "]";
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        default -> null;
                    };
                });
    }

    /** The logger's name. */
    public String name() {
        return name;
    }

    /** The logger that records; every level is enabled. */
    public Logger logger() {
        return logger;
    }

    /** What was logged so far, oldest first; a snapshot. */
    public List<Entry> entries() {
        return List.copyOf(entries);
    }
}
