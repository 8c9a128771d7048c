package io.polyhook.provider.memcached;

import org.slf4j.Logger;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A logger that records every debug, info, warn and error call, for assertions. */
final class RecordingLogger {

    /** One call: its level ({@code "info"}, ...), format and arguments. */
    public record Entry(String level, String format, List<Object> arguments) {
    }

    private final String name;
    private final List<Entry> entries = new CopyOnWriteArrayList<>();
    private final Logger logger;

    public RecordingLogger(String name) {
        this.name = name;
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

    public String name() {
        return name;
    }

    public Logger logger() {
        return logger;
    }

    public List<Entry> entries() {
        return List.copyOf(entries);
    }
}
