package io.polyhook.spi;

/**
 * A Java broker plugin. The broker finds implementations with {@link java.util.ServiceLoader}
 * (list the class in {@code META-INF/services/io.polyhook.spi.Plugin}) in each jar or folder of
 * its plugins folder, each with a class loader of its own, and on its class path; it calls
 * {@link #start(PluginContext)} once before it accepts clients, and {@link #stop()} once when it
 * shuts down. A plugin whose {@code start} throws is not started; the broker logs why and stops
 * its own start, so a misconfigured security plugin never leaves the broker open.
 *
 * @since 0.1
 */
public interface Plugin {

    /**
     * The plugin's name, used in logs, metrics and the config file; the simple class name by default.
     *
     * @since 0.1
     */
    default String name() {
        return getClass().getSimpleName();
    }

    /**
     * The plugin's version, shown by {@code polyhook plugin list} and the admin API: the
     * {@code Implementation-Version} of the jar's manifest by default, {@code "unknown"} without one.
     *
     * @return the version
     * @since 0.1
     */
    default String version() {
        String v = getClass().getPackage() == null ? null : getClass().getPackage().getImplementationVersion();
        return v == null ? "unknown" : v;
    }

    /**
     * The default priority of this plugin's handlers: higher runs first. 0 by default.
     *
     * @since 0.1
     */
    default int priority() {
        return 0;
    }

    /**
     * Starts the plugin: read settings, open resources, register handlers.
     *
     * @param context the registrar and the plugin's settings
     * @throws Exception if the plugin cannot start
     * @since 0.1
     */
    void start(PluginContext context) throws Exception;

    /**
     * Stops the plugin and releases its resources. Its handlers are already removed.
     *
     * @throws Exception if something could not be released; logged, the shutdown goes on
     * @since 0.1
     */
    default void stop() throws Exception {
    }
}
