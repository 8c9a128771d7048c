package io.polyhook.core.script.internal;

import io.polyhook.core.script.ScriptEngine;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A loaded script as {@code script list} and {@code script show} present it.
 *
 * @param path     the script's identity: its file, absolute and normalized
 * @param engine   the {@link ScriptEngine#name() name} of the engine that loaded it
 * @param hooks    the hook points it declares, in {@link io.polyhook.spi.Hook#id() hook order}
 * @param details  what the engine reports about it, e.g. {@code states}, {@code keep_state}
 * @param loadedAt when the version now serving was loaded
 * @param reloads  how many times it was reloaded successfully since it was loaded
 */
public record ScriptInfo(Path path, String engine, List<String> hooks, Map<String, Object> details,
                         Instant loadedAt, int reloads) {

    /** Copies the collections; checks the rest is present. */
    public ScriptInfo {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(engine, "engine");
        hooks = List.copyOf(hooks);
        details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
        Objects.requireNonNull(loadedAt, "loadedAt");
    }
}
