package io.polyhook.core.hook;

import java.util.Objects;

/**
 * Who registered a handler: a Java plugin or a script. Handlers of Java plugins run before those
 * of scripts; within each kind, the order is priority (plugins) or load order (scripts).
 *
 * @param kind plugin or script
 * @param name the plugin's name, or the script's path; shown in logs and statistics
 */
public record HandlerOrigin(Kind kind, String name) {

    /** The two kinds of handler owners. */
    public enum Kind {
        /** A Java {@link io.polyhook.spi.Plugin}. */
        PLUGIN,
        /** A script loaded by an engine. */
        SCRIPT
    }

    /** Checks both fields are present. */
    public HandlerOrigin {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
    }

    /** The origin of a Java plugin's handlers. */
    public static HandlerOrigin plugin(String name) {
        return new HandlerOrigin(Kind.PLUGIN, name);
    }

    /** The origin of a script's handlers. */
    public static HandlerOrigin script(String path) {
        return new HandlerOrigin(Kind.SCRIPT, path);
    }

    @Override
    public String toString() {
        return (kind == Kind.PLUGIN ? "plugin " : "script ") + name;
    }
}
