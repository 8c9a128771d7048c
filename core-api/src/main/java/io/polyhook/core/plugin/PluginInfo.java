package io.polyhook.core.plugin;

import java.util.List;
import java.util.Objects;

/**
 * A Java plugin as {@code polyhook plugin list} and the admin API show it.
 *
 * @param name      its name
 * @param version   its version ({@link io.polyhook.spi.Plugin#version()})
 * @param className its class
 * @param source    where it came from: the path of its jar or folder in the plugins folder,
 *                  {@code classpath}, or {@code embedded}
 * @param priority  the default priority of its handlers
 * @param state     where it is in its life
 * @param hooks     the hook points it has handlers for, in {@link io.polyhook.spi.Hooks#all()} order
 */
public record PluginInfo(String name, String version, String className, String source, int priority,
                         PluginState state, List<String> hooks) {

    /** Checks every part is present; copies the hook list. */
    public PluginInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(className, "className");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(state, "state");
        hooks = List.copyOf(hooks);
    }
}
