package io.polyhook.core.plugin;

/** Where a Java plugin is in its life. */
public enum PluginState {
    /** {@code start} is running. */
    STARTING,
    /** Started: its handlers are registered. */
    STARTED,
    /** {@code start} threw; nothing of it stays registered. */
    FAILED,
    /** Stopped: its handlers are removed and {@code stop} has returned. */
    STOPPED
}
