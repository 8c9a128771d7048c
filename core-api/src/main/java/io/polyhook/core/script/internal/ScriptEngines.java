package io.polyhook.core.script.internal;

import io.polyhook.core.script.ScriptEngine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;

/**
 * The script engines of a broker, by file extension. Each extension belongs to one engine: two
 * engines claiming the same one is a configuration error, never a silent choice.
 */
public final class ScriptEngines {

    private final List<ScriptEngine> engines;
    private final Map<String, ScriptEngine> byExtension;

    private ScriptEngines(List<ScriptEngine> engines) {
        Map<String, ScriptEngine> map = new TreeMap<>();
        Map<String, ScriptEngine> names = new TreeMap<>();
        for (ScriptEngine engine : engines) {
            ScriptEngine sameName = names.putIfAbsent(engine.name(), engine);
            if (sameName != null) {
                throw new IllegalArgumentException("two script engines are named " + engine.name() + ": "
                        + sameName.getClass().getName() + " and " + engine.getClass().getName());
            }
            for (String ext : engine.extensions()) {
                if (ext.isEmpty() || ext.startsWith(".") || !ext.equals(ext.toLowerCase(Locale.ROOT))) {
                    throw new IllegalArgumentException("script engine " + engine.name()
                            + " declares extension '" + ext + "'; extensions are lower case, without the dot");
                }
                ScriptEngine other = map.putIfAbsent(ext, engine);
                if (other != null) {
                    throw new IllegalArgumentException("script engines " + other.name() + " (" + other.getClass().getName()
                            + ") and " + engine.name() + " (" + engine.getClass().getName() + ") both take ." + ext
                            + " files; remove one from the class path");
                }
            }
        }
        this.engines = List.copyOf(engines);
        this.byExtension = Collections.unmodifiableMap(map);
    }

    /**
     * The given engines.
     *
     * @throws IllegalArgumentException if two take one extension, share a name, or an extension
     *                                  is not lower case without a dot
     */
    public static ScriptEngines of(List<ScriptEngine> engines) {
        return new ScriptEngines(engines);
    }

    /**
     * Every engine {@link ServiceLoader} finds through {@code loader}, then {@code extras}.
     *
     * @throws IllegalArgumentException as {@link #of}
     * @throws IllegalStateException    if a listed engine cannot be instantiated
     */
    public static ScriptEngines discover(ClassLoader loader, List<ScriptEngine> extras) {
        List<ScriptEngine> all = new ArrayList<>();
        try {
            ServiceLoader.load(ScriptEngine.class, loader).forEach(all::add);
        } catch (ServiceConfigurationError e) {
            throw new IllegalStateException("cannot load a script engine: " + e.getMessage(), e);
        }
        all.addAll(extras);
        return new ScriptEngines(all);
    }

    /** Every engine {@link ServiceLoader} finds through {@code loader}. */
    public static ScriptEngines discover(ClassLoader loader) {
        return discover(loader, List.of());
    }

    /** The engines, in the order they were found or given. */
    public List<ScriptEngine> all() {
        return engines;
    }

    /** Every extension some engine takes, sorted. */
    public Set<String> extensions() {
        return byExtension.keySet();
    }

    /** The engine that takes {@code extension} (without the dot, any case). */
    public Optional<ScriptEngine> forExtension(String extension) {
        return Optional.ofNullable(byExtension.get(extension.toLowerCase(Locale.ROOT)));
    }

    /** The engine that takes the file {@code path}, by its extension. */
    public Optional<ScriptEngine> forPath(Path path) {
        return extension(path).flatMap(this::forExtension);
    }

    /** The extension of a file name, without the dot; none for {@code Makefile} or {@code .profile}. */
    static Optional<String> extension(Path path) {
        Path name = path.getFileName();
        if (name == null) {
            return Optional.empty();
        }
        String s = name.toString();
        int dot = s.lastIndexOf('.');
        return dot <= 0 || dot == s.length() - 1 ? Optional.empty() : Optional.of(s.substring(dot + 1));
    }

    @Override
    public String toString() {
        return "ScriptEngines" + byExtension.keySet();
    }
}
