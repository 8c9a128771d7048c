/**
 * The broker's plugin host, not API: the plugins folder ({@code PluginDirectory}, one
 * {@code PluginBundle} and isolating {@code PluginClassLoader} per plugin folder or jar), and the
 * {@code PluginHost} that starts and stops plugins with a {@link io.polyhook.spi.PluginContext}
 * as capable as a script's libraries ({@code PluginEnvironment}).
 */
package io.polyhook.core.plugin.internal;
