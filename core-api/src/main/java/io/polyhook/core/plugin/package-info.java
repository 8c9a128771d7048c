/**
 * What the broker reports about Java plugins: {@link io.polyhook.core.plugin.PluginInfo} with its
 * {@link io.polyhook.core.plugin.PluginState}. Plugin authors code against {@code hook-spi}
 * ({@link io.polyhook.spi.Plugin}); the plugins folder, the class loader per plugin and the host
 * that starts and stops plugins are the broker's, in {@code io.polyhook.core.plugin.internal}:
 * not API.
 */
package io.polyhook.core.plugin;
