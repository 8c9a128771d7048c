package io.polyhook.spi;

import java.util.Map;

/** What the broker gives a {@link Plugin} when it starts. */
public interface PluginContext {

    /** Where the plugin registers its hook handlers. */
    HookRegistrar hooks();

    /**
     * The plugin's own settings: the {@code plugins.<name>} section of the broker's config file
     * as plain values ({@code String}, {@code Boolean}, {@code Long}, {@code Double}, {@code List},
     * {@code Map}); empty if there is none.
     */
    Map<String, Object> settings();
}
