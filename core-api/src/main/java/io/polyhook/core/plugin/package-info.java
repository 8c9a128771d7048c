/**
 * Java plugins: the plugins folder ({@link io.polyhook.core.plugin.PluginDirectory}), with a class
 * loader per plugin, and the {@link io.polyhook.core.plugin.PluginHost} that starts and stops them
 * with a {@link io.polyhook.spi.PluginContext} as capable as a script's libraries.
 */
package io.polyhook.core.plugin;
