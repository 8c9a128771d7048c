package io.polyhook.core.plugin.internal;

import io.polyhook.spi.Plugin;
import io.polyhook.spi.PluginContext;

/** Listed in META-INF/services to prove discovery; registers nothing. */
public final class ServiceLoadedPlugin implements Plugin {
    @Override
    public void start(PluginContext context) {
    }
}
