package io.polyhook.core.provider;

import org.slf4j.Logger;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A logger that records what was logged at warn and error level, for assertions. */
final class RecordingLogger {

    /** One warn or error call: its level, format and arguments (a trailing throwable included). */
    record Entry(String level, String format, List<Object> arguments) {
    }

    private final List<Entry> entries = new CopyOnWriteArrayList<>();
    private final Logger logger = (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(),
            new Class<?>[] {Logger.class}, (proxy, method, args) -> {
                String name = method.getName();
                if (name.startsWith("is") && name.endsWith("Enabled")) {
                    return true;
                }
                if ((name.equals("warn") || name.equals("error")) && args != null && args[0] instanceof String format) {
                    List<Object> rest = args.length == 2 && args[1] instanceof Object[] array
                            ? List.of(array) : List.of(args).subList(1, args.length);
                    entries.add(new Entry(name, format, rest));
                    return null;
                }
                return switch (name) {
                    case "getName" -> "recording";
                    case "toString" -> "RecordingLogger";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> null;
                };
            });

    Logger logger() {
        return logger;
    }

    List<Entry> entries() {
        return List.copyOf(entries);
    }
}
